/**
 * ResilientBackend over the real Redis backend and a real redis-server that freezes (SIGSTOP)
 * or dies (SIGKILL): every operation answers (never throws), the adaptive deadline — not the
 * backend's own 500 ms one — ends calls to a frozen server, the breaker then bypasses it, and
 * the cache comes back by itself once the server does.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { RedisBackend } from '../../src/backends/redis/backend';
import { ResilientBackend } from '../../src/reliability/resilient-backend';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setup(): Promise<{ server: RedisServerHandle; resilient: ResilientBackend }> {
  const server = await startRedisServer();
  cleanups.push(() => server.stop());
  const redis = new RedisBackend({ url: server.url });
  const resilient = new ResilientBackend(redis, { circuitBreaker: { recoveryTimeoutMs: 1_000 } }, { ownsBackend: true, namespace: 'faults' });
  cleanups.push(() => resilient.close());
  return { server, resilient };
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const key = () => `cachekit-test:reliability:${randomBytes(4).toString('hex')}`;

/** Blocks the event loop for `ms`, as a long synchronous task or a GC pause would. */
function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: nothing else may run
  }
}

describe('ResilientBackend over a real Redis that answers', () => {
  test('a reply that arrived while the event loop was blocked is an answer, not a timeout', async () => {
    const { resilient } = await setup();
    const k = key();
    expect(await resilient.set(k, Buffer.from('v'))).toBe(true);
    for (let i = 0; i < 40; i++) expect((await resilient.get(k)).ok).toBe(true);
    const timeoutMs = resilient.stats().timeouts.get?.timeoutMs ?? Number.NaN;
    for (let round = 0; round < 5; round++) {
      const pending = resilient.get(k);
      // Let the command reach the socket, then stall past the deadline: Redis answers within
      // microseconds, but the reply is read only after the deadline's timer is due.
      await new Promise<void>((resolve) => process.nextTick(resolve));
      blockEventLoop(timeoutMs * 3);
      const result = await pending;
      expect(result.ok && result.value?.toString()).toBe('v');
    }
    expect(resilient.stats().timeouts.get?.timeouts).toBe(0);
    expect(resilient.stats().breaker?.failuresInWindow).toBe(0);
  });
});

describe('ResilientBackend over a real Redis that fails', () => {
  test('a frozen server: calls end at the adaptive deadline, the breaker opens, the cache recovers after SIGCONT', async () => {
    const { server, resilient } = await setup();
    const k = key();
    expect(await resilient.set(k, Buffer.from('v'))).toBe(true);
    // Enough successful reads for the adaptive timeout to replace its initial 250 ms.
    for (let i = 0; i < 40; i++) expect((await resilient.get(k)).ok).toBe(true);
    const adapted = resilient.stats().timeouts.get?.timeoutMs ?? Number.NaN;
    expect(adapted).toBeLessThan(250);

    server.pause();
    try {
      const results = await Promise.all(Array.from({ length: 20 }, () => resilient.get(k)));
      for (const result of results) {
        expect(result.ok).toBe(false);
        if (result.ok) continue;
        expect(result.reason).toBe('timeout');
        // Our deadline fired, not the backend's own 500 ms command timeout.
        expect(String((result.error as Error).message)).toContain(`timed out after ${Math.round(adapted)} ms`);
      }
      expect(resilient.stats().breaker?.state).toBe('open');
      expect(await resilient.get(k)).toEqual({ ok: false, reason: 'breaker-open' });
      expect(await resilient.set(k, Buffer.from('w'))).toBe(false);
      expect(resilient.stats().droppedWrites).toBe(1);
    } finally {
      server.resume();
    }
    await eventually(async () => (await resilient.get(k)).ok, 'a successful read after SIGCONT');
    await eventually(async () => {
      await resilient.get(k);
      return resilient.stats().breaker?.state === 'closed';
    }, 'the breaker closing');
    const value = await resilient.get(k);
    expect(value.ok && value.value?.toString()).toBe('v');
  });

  test('a killed server: calls answer errors, then breaker-open, never throw; a restarted server is used again', async () => {
    const { server, resilient } = await setup();
    const k = key();
    expect(await resilient.set(k, Buffer.from('v'))).toBe(true);
    await server.kill();
    const reasons = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const result = await resilient.get(k);
      expect(result.ok).toBe(false);
      if (!result.ok) reasons.add(result.reason);
    }
    expect(reasons.has('breaker-open')).toBe(true);
    expect([...reasons].every((r) => ['error', 'timeout', 'breaker-open'].includes(r))).toBe(true);
    expect(resilient.stats().errorsByCategory.transient).toBeGreaterThan(0);

    await server.restart();
    await eventually(async () => resilient.set(k, Buffer.from('again')), 'a successful write after restart');
    const value = await resilient.get(k);
    expect(value.ok && value.value?.toString()).toBe('again');
  });
});
