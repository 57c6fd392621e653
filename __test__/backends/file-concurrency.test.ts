/**
 * Several real processes share one cache directory; one of them is killed with SIGKILL in
 * the middle of a write. No reader, in any process, may ever see a torn value.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileBackend } from '../../src/backends/file/backend';
import { scratchDirectories } from '../support/scratch-dirs';
import { isWhole } from './fixtures/self-verifying';

const worker = path.join(__dirname, 'fixtures', 'file-worker.ts');
const scratch = scratchDirectories('cachekit-file-mp-');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

function startWorker(args: string[]): { child: ChildProcess; lines: AsyncIterableIterator<string>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', worker, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const queue: string[] = [];
  const waiters: Array<(line: string) => void> = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else queue.push(line);
    }
  });
  const lines = (async function* () {
    for (;;) yield queue.shift() ?? (await new Promise<string>((resolve) => waiters.push(resolve)));
  })();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

describe('FileBackend shared by several processes', () => {
  it('never shows a torn value while four processes write and read the same keys', async () => {
    const dir = scratch();
    const workers = Array.from({ length: 4 }, () => startWorker(['churn', dir, '3000']));
    const reader = new FileBackend({ directory: dir, maxSizeBytes: 64 * 1024 * 1024 });
    let parentHits = 0;
    let parentTorn = 0;
    const running = Promise.all(workers.map((w) => w.exited));
    let done = false;
    void running.then(() => (done = true));
    while (!done) {
      for (let k = 0; k < 8; k++) {
        const value = await reader.get(`shared-${k}`);
        if (value !== null) {
          parentHits += 1;
          if (!isWhole(value)) parentTorn += 1;
        }
      }
    }
    const codes = await running;
    expect(codes).toEqual([0, 0, 0, 0]);
    const summaries = await Promise.all(workers.map(async (w) => JSON.parse((await w.lines.next()).value as string)));
    const total = summaries.reduce(
      (acc, s) => ({ writes: acc.writes + s.writes, hits: acc.hits + s.hits, torn: acc.torn + s.torn }),
      { writes: 0, hits: 0, torn: 0 },
    );
    // The processes really overlapped: many writes, and reads that found values.
    expect(total.writes).toBeGreaterThan(20);
    expect(total.hits + parentHits).toBeGreaterThan(20);
    expect(total.torn).toBe(0);
    expect(parentTorn).toBe(0);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp.'))).toEqual([]);
  }, 60_000);

  it('a writer SIGKILLed mid-write leaves the previous whole value, and its temporary file is cleaned at the next start', async () => {
    const dir = scratch();
    let leftover: string | undefined;
    // The kill must land while a temporary file exists; on the rare run where the rename wins
    // the race, try again.
    for (let attempt = 0; attempt < 5 && leftover === undefined; attempt++) {
      const victim = startWorker(['big', dir, String(16 * 1024 * 1024)]);
      expect((await victim.lines.next()).value).toBe('ready');
      const reader = new FileBackend({ directory: dir });
      const mine = `.tmp.${victim.child.pid}.`;
      let torn = 0;
      let reads = 0;
      for (;;) {
        const value = await reader.get('big');
        reads += 1;
        if (value !== null && !isWhole(value)) torn += 1;
        const temp = readdirSync(dir).find((n) => n.includes(mine));
        if (temp !== undefined && statSync(path.join(dir, temp), { throwIfNoEntry: false })?.size) {
          victim.child.kill('SIGKILL');
          await victim.exited;
          leftover = readdirSync(dir).find((n) => n.includes(mine));
          break;
        }
      }
      expect(torn).toBe(0);
      expect(reads).toBeGreaterThan(0);
      const after = await reader.get('big');
      expect(after).not.toBeNull();
      expect(isWhole(after!)).toBe(true);
    }
    expect(leftover).toBeDefined();
    const fresh = new FileBackend({ directory: dir });
    const value = await fresh.get('big');
    expect(value !== null && isWhole(value)).toBe(true);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp.'))).toEqual([]);
  }, 120_000);
});
