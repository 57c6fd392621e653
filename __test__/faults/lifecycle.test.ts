/**
 * The wrapper never keeps a process alive: real child processes build caches against a real
 * redis-server, leave background work behind (writes in flight, an SWR refresh, a lock lease
 * renewed for a function that never returns, a lock waiter polling), close the backend and
 * return — and must then exit by themselves, even with Redis frozen. TTLs above 2^31 ms are
 * cached for their full length without overflowing a timer.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startChild, type ChildScript } from './support/children';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server';

/** How long a child may take to exit after its work: far beyond any bounded wait it has. */
const EXIT_WITHIN_MS = 15_000;

let server: RedisServerHandle;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server.stop();
});

/** Resolves with the exit code, or fails when the child is still alive after `EXIT_WITHIN_MS`. */
async function exitsByItself(child: ChildScript): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<'stuck'>((resolve) => (timer = setTimeout(() => resolve('stuck'), EXIT_WITHIN_MS)));
  const outcome = await Promise.race([child.exited, stuck]);
  clearTimeout(timer);
  if (outcome === 'stuck') {
    child.child.kill('SIGKILL');
    throw new Error(`the process was still alive ${EXIT_WITHIN_MS} ms after its work; stdout: ${child.lines.join(' | ')}`);
  }
  return outcome;
}

function warningsOf(child: ChildScript): string[] {
  const line = child.lines.find((l) => l.startsWith('warnings '));
  if (line === undefined) throw new Error(`no warnings line; stderr: ${child.stderr()}`);
  return JSON.parse(line.slice('warnings '.length)) as string[];
}

/** The script flushed its caches, returned from its work and saw no process warning. */
function expectFlushedWithoutWarnings(child: ChildScript): void {
  expect(child.lines.some((l) => l.startsWith('flushed '))).toBe(true);
  expect(child.lines.some((l) => l.startsWith('returned '))).toBe(true);
  expect(warningsOf(child)).toEqual([]);
}

describe('a process using cachekit exits by itself', () => {
  test('after using caches (writes in flight, SWR refresh, lock lease, lock waiter), closing the backend and flushing', async () => {
    const child = startChild('exit-after-close.ts', [server.url, 'used']);
    expect(await exitsByItself(child), child.stderr()).toBe(0);
    expectFlushedWithoutWarnings(child);
  }, 30_000);

  test('when Redis is frozen (SIGSTOP) before the backend is closed', async () => {
    const child = startChild('exit-after-close.ts', [server.url, 'frozen']);
    await child.line((l) => l === 'used');
    server.pause();
    try {
      child.child.stdin.write('close\n');
      expect(await exitsByItself(child), child.stderr()).toBe(0);
    } finally {
      server.resume();
    }
    expectFlushedWithoutWarnings(child);
  }, 30_000);

  test('with caches built on a backend but never called, without closing anything', async () => {
    const child = startChild('exit-after-close.ts', [server.url, 'never-called']);
    expect(await exitsByItself(child), child.stderr()).toBe(0);
    expect(child.lines.some((l) => l.startsWith('returned '))).toBe(true);
  }, 30_000);
});

describe('TTLs above 2^31 ms', () => {
  test('30 days and 10 years are cached in L1 and L2 for their full length, with no timer overflow', async () => {
    const child = startChild('exit-after-close.ts', [server.url, 'long-ttl']);
    expect(await exitsByItself(child), child.stderr()).toBe(0);
    const line = child.lines.find((l) => l.startsWith('ttl '));
    expect(line, child.stderr()).toBeDefined();
    const facts = JSON.parse(line!.slice('ttl '.length)) as { runs: number; l1Hits: number; l2Hits: number; ttlSeconds: number };
    // One run per function; the second call of each is an L1 hit; a fresh wrapper reads L2.
    expect(facts.runs).toBe(2);
    expect(facts.l1Hits).toBe(2);
    expect(facts.l2Hits).toBe(1);
    expect(facts.ttlSeconds).toBeGreaterThan(30 * 86_400 - 60);
    expect(facts.ttlSeconds).toBeLessThanOrEqual(30 * 86_400);
    expect(warningsOf(child)).toEqual([]);
  }, 30_000);
});
