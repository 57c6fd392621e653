/**
 * The distributed lock against the real shared redis-server, across real processes: 4 child
 * processes × 250 concurrent calls released together on one cold key run the function once.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';

const CONTENDER = path.join(__dirname, 'support', 'lock-contender.ts');
const PROCESSES = 4;
const CALLS_PER_PROCESS = 250;

interface ContenderReport {
  pid: number;
  localRuns: number;
  outcomes: Array<{ value: string; source: string; lock: string }>;
}

interface Contender {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  report: Promise<ContenderReport>;
}

function startContender(redisUrl: string, key: string, counterKey: string, mode: string): Contender {
  const child = spawn(process.execPath, ['--import', 'tsx', CONTENDER, redisUrl, key, counterKey, mode, String(CALLS_PER_PROCESS)], {
    cwd: path.join(__dirname, '..', '..'),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  // Resolves on exit, so the child has closed its backend (and released its lock) by then.
  const report = new Promise<ContenderReport>((resolve, reject) => {
    let parsed: ContenderReport | undefined;
    lines.on('line', (line) => {
      if (line === 'ready') markReady();
      else if (line.startsWith('{')) parsed = JSON.parse(line) as ContenderReport;
    });
    child.on('exit', (code) => {
      if (code === 0 && parsed !== undefined) resolve(parsed);
      else reject(new Error(`contender exited with ${code}: ${stderr}`));
    });
  });
  return { child, ready, report };
}

describe('distributed lock on a real Redis across processes', () => {
  const redisUrl = inject('redisUrl');
  const namespace = `cachekit-test:reliability:lock:${randomUUID()}`;
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(redisUrl);
  });

  afterAll(async () => {
    const keys = await redis.keys(`${namespace}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  test.each(['single-flight', 'lock-only'])(
    '4 processes × 250 concurrent calls on one cold key run the function exactly once (%s)',
    async (mode) => {
      const key = `${namespace}:${mode}:value`;
      const counterKey = `${namespace}:${mode}:runs`;
      const contenders = Array.from({ length: PROCESSES }, () => startContender(redisUrl, key, counterKey, mode));
      await Promise.all(contenders.map((c) => c.ready));
      // Release every process at once.
      for (const c of contenders) c.child.stdin.end('go\n');
      const reports = await Promise.all(contenders.map((c) => c.report));

      const totalRuns = reports.reduce((sum, r) => sum + r.localRuns, 0);
      expect(totalRuns).toBe(1);
      expect(await redis.get(counterKey)).toBe('1');
      const outcomes = reports.flatMap((r) => r.outcomes);
      expect(outcomes).toHaveLength(PROCESSES * CALLS_PER_PROCESS);
      const winner = reports.find((r) => r.localRuns === 1);
      expect(new Set(outcomes.map((o) => o.value))).toEqual(new Set([`computed-by-${winner?.pid}`]));
      // The lock was released after publishing.
      expect(await redis.exists(`${key}:lock`)).toBe(0);
    },
    60_000,
  );
});
