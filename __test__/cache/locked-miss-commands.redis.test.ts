/**
 * What a `cache.production` miss sends to Redis, counted with MONITOR on a redis-server of the
 * suite's own: the read, the lock, the value, the release, and at most one publish. The bus
 * announces a short run's write as a fill (gathered with others), a run of
 * `LOCK_PROMPT_ANNOUNCE_MS` or more at once (its waiters are woken by it).
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cache } from '../../src';
import { RedisBackend } from '../../src/backends/redis/backend';
import { FILL_GATHER_MS, InvalidationBus } from '../../src/invalidation/bus';
import { LOCK_PROMPT_ANNOUNCE_MS } from '../../src/reliability/options';
import { useOwnRedisServer } from '../support/own-redis-server';

const own = useOwnRedisServer();
const backends: RedisBackend[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  while (backends.length > 0) await backends.pop()!.close();
  await own.reset();
});

/** Counts the commands clients send from now on (commands run inside scripts left out), until `stop()`. */
async function watchCommands(): Promise<{ calls: () => Record<string, number>; stop: () => void }> {
  const monitor = await new Redis(own.server.url).monitor();
  const counts: Record<string, number> = {};
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source === 'lua') return;
    const name = (args[0] ?? '').toLowerCase();
    counts[name] = (counts[name] ?? 0) + 1;
  });
  return { calls: () => ({ ...counts }), stop: () => monitor.disconnect() };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A `cache.production` function without L1 whose run takes `runMs`. */
function lockedLoader(namespace: string, runMs: number) {
  const backend = new RedisBackend({ url: own.server.url });
  backends.push(backend);
  return cache.production(
    async (id: number) => {
      if (runMs > 0) await sleep(runMs);
      return { id };
    },
    { backend, namespace, name: 'load', l1: false },
  );
}

/** Waits until every release (EVALSHA) of `misses` misses and the announcements have been seen. */
async function settle(watch: { calls: () => Record<string, number> }, misses: number): Promise<void> {
  for (let round = 0; round < 200 && (watch.calls().evalsha ?? 0) < misses; round++) await sleep(10);
  await sleep(FILL_GATHER_MS * 10);
}

describe('cache.production misses on Redis', () => {
  it('ten quick misses in a row: a GET, a lock, a SET and a release each, and at most one publish each', async () => {
    const load = lockedLoader('quick-misses', 0);
    await load(0); // connects and loads the release script
    await load.flush();
    await sleep(FILL_GATHER_MS * 4);
    const watch = await watchCommands();
    for (let id = 1; id <= 10; id++) expect(await load(id)).toEqual({ id });
    await load.flush();
    await settle(watch, 10);
    watch.stop();

    const { publish = 0, set = 0, ...others } = watch.calls();
    expect(others).toEqual({ get: 10, evalsha: 10 });
    expect(set).toBe(20); // the lock (SET NX PX) and the value, per miss
    expect(publish).toBeGreaterThanOrEqual(1);
    expect(publish).toBeLessThanOrEqual(10);
  });

  it(`a quick run's write is announced as a fill, a run of ${LOCK_PROMPT_ANNOUNCE_MS} ms or more at once`, async () => {
    const announced = vi.spyOn(InvalidationBus.prototype, 'keysChanged');
    for (const [namespace, runMs] of [
      ['quick-run', 0],
      ['slow-run', LOCK_PROMPT_ANNOUNCE_MS * 3],
    ] as const) {
      const load = lockedLoader(namespace, runMs);
      await load(1);
      await load.flush();
    }
    const fills = announced.mock.calls.map(([keys, fill]) => [keys.some((key) => key.includes('quick-run')) ? 'quick' : 'slow', fill]);
    expect(fills).toEqual([
      ['quick', true],
      ['slow', false],
    ]);
  });
});
