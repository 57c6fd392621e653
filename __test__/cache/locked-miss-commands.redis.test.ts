/**
 * What a `cache.production` miss sends to Redis, counted with MONITOR on a redis-server of the
 * suite's own: the read, the lock, the value together with the release (one script), and at
 * most one publish. The bus announces a short run's write as a fill (gathered with others), a
 * run of `LOCK_PROMPT_ANNOUNCE_MS` or more at once (its waiters are woken by it). And
 * `setAndReleaseLock` itself: the value with its TTL, the lock deleted only for its owner.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cache } from '../../src';
import { FILL_GATHER_MS, InvalidationBus } from '../../src/invalidation/bus';
import { LOCK_PROMPT_ANNOUNCE_MS } from '../../src/reliability/options';
import { countByName, monitorCommands } from '../support/monitor-commands';
import { useOwnRedisServer } from '../support/own-redis-server';

const own = useOwnRedisServer();

afterEach(async () => {
  vi.restoreAllMocks();
});

/** Counts the commands clients send from now on (commands run inside scripts left out), until `stop()`. */
async function watchCommands(): Promise<{ calls: () => Record<string, number>; stop: () => void }> {
  const { commands, stop } = await monitorCommands(own.server.url, ({ source }) => source !== 'lua');
  return { calls: () => countByName(commands), stop };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A `cache.production` function without L1 whose run takes `runMs`. */
function lockedLoader(namespace: string, runMs: number) {
  const backend = own.backend();
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
  it('ten quick misses in a row: a GET, a lock and one script storing the value and releasing the lock each, and at most one publish each', async () => {
    const load = lockedLoader('quick-misses', 0);
    await load(0); // connects and loads the release script
    await load.flush();
    await sleep(FILL_GATHER_MS * 4);
    const watch = await watchCommands();
    for (let id = 1; id <= 10; id++) expect(await load(id)).toEqual({ id });
    await load.flush();
    await settle(watch, 10);
    watch.stop();

    const { publish = 0, ...others } = watch.calls();
    // GET, the lock's SET NX PX, and EVALSHA storing the value and releasing the lock.
    expect(others).toEqual({ get: 10, set: 10, evalsha: 10 });
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

  it('setAndReleaseLock stores the value with its TTL and deletes the lock only for the token that owns it', async () => {
    const backend = own.backend();
    expect(await backend.acquireLock('sr:k', 'owner', 5_000)).toBe(true);
    await backend.setAndReleaseLock('sr:k', Buffer.from('v1'), 60, 'someone-else');
    expect((await backend.get('sr:k'))?.toString()).toBe('v1');
    expect(await own.raw.get('sr:k:lock')).toBe('owner');
    await backend.setAndReleaseLock('sr:k', Buffer.from('v2'), 0.5, 'owner');
    expect((await backend.get('sr:k'))?.toString()).toBe('v2');
    expect(await own.raw.exists('sr:k:lock')).toBe(0);
    const ttlMs = await own.raw.pttl('sr:k');
    expect(ttlMs).toBeGreaterThan(0);
    expect(ttlMs).toBeLessThanOrEqual(500);
    await backend.setAndReleaseLock('sr:forever', Buffer.from('v'), undefined, 'nobody');
    expect(await own.raw.pttl('sr:forever')).toBe(-1);
  });
});
