/**
 * The lock asked for with the read while a function's locked reads mostly miss: such a miss asks
 * for the lock before its read is answered (both in one round trip) and still runs the function
 * once under the lock, the read and the lock request leaving in one socket write; a hit then
 * gives the lock back; a function whose reads hit asks for the lock only after a miss. On the
 * suite's own redis-server, through a RedisBackend that notes the order of its calls.
 */
import { describe, expect, it } from 'vitest';
import { cache } from '../../src';
import type { BackendCallOptions } from '../../src/backends/types';
import { RedisBackend } from '../../src/backends/redis/backend';
import { LockSpeculation } from '../../src/cache/lock-speculation';
import { useOwnRedisServer } from '../support/own-redis-server';
import { commandsIn, recordSocketWrites } from '../support/socket-writes';

const own = useOwnRedisServer();

/** A real RedisBackend that notes, in order, each read asked, each read answered and each lock asked. */
class OrderNotingRedisBackend extends RedisBackend {
  readonly events: Array<'read' | 'answered' | 'lock'> = [];

  override async get(key: string, options?: BackendCallOptions): Promise<Buffer | null> {
    this.events.push('read');
    const value = await super.get(key, options);
    this.events.push('answered');
    return value;
  }

  override acquireLock(key: string, token: string, leaseMs: number, options?: BackendCallOptions): Promise<boolean> {
    this.events.push('lock');
    return super.acquireLock(key, token, leaseMs, options);
  }

  /** The events of each call, one list per read (calls made one after another). */
  perCall(): string[][] {
    const calls: string[][] = [];
    for (const event of this.events) {
      if (event === 'read') calls.push([]);
      calls.at(-1)?.push(event);
    }
    return calls;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A `cache.production` function without L1 (every call reads Redis), counting its runs. */
function lockedLoader(namespace: string) {
  const backend = own.closeAfterTest(new OrderNotingRedisBackend({ url: own.server.url }));
  const runs = { count: 0 };
  const load = cache.production(
    async (id: number) => {
      runs.count++;
      return { id };
    },
    { backend, namespace, name: 'load', l1: false },
  );
  return { backend, load, runs };
}

/** Waits (bounded) until no lock key is left in Redis; returns the lock keys left. */
async function locksLeft(): Promise<string[]> {
  for (let round = 0; round < 100; round++) {
    const keys = await own.raw.keys('*:lock');
    if (keys.length === 0) return keys;
    await sleep(20);
  }
  return own.raw.keys('*:lock');
}

describe('the lock asked for with the read', () => {
  it('is worth it once most recent locked reads missed, and no longer once most hit', () => {
    const speculation = new LockSpeculation();
    expect(speculation.worthIt).toBe(false);
    let misses = 0;
    while (!speculation.worthIt && misses < 100) {
      speculation.record(true);
      misses++;
    }
    expect(misses).toBeGreaterThan(1);
    expect(misses).toBeLessThanOrEqual(16);
    let hits = 0;
    while (speculation.worthIt && hits < 100) {
      speculation.record(false);
      hits++;
    }
    expect(hits).toBeGreaterThan(0);
    expect(hits).toBeLessThanOrEqual(16);
  });

  it('a function whose reads miss asks for the lock before the read is answered, each miss run once under the lock', async () => {
    const { backend, load, runs } = lockedLoader('missing-reads');
    for (let id = 0; id < 30; id++) expect(await load(id)).toEqual({ id });
    await load.flush();
    const calls = backend.perCall();
    expect(calls).toHaveLength(30);
    // The first misses ask for the lock after their answer; once most reads missed, with the read.
    expect(calls[0]).toEqual(['read', 'answered', 'lock']);
    expect(calls.at(-1)).toEqual(['read', 'lock', 'answered']);
    expect(runs.count).toBe(30);
    expect(await locksLeft()).toEqual([]);
  });

  it("sends such a miss's read and its lock request in one write", async () => {
    const { backend, load } = lockedLoader('one-write');
    for (let id = 0; id < 30; id++) await load(id);
    await load.flush();
    const writes = recordSocketWrites(backend);
    expect(await load(100)).toEqual({ id: 100 });
    await load.flush();
    // A bus announcement may share a write with them (it is sent through the same connection).
    const asked = writes.map((write) => commandsIn(write).filter((name) => name !== 'publish')).filter((commands) => commands.includes('get'));
    expect(asked).toEqual([['get', 'set']]);
  });

  it('a hit meanwhile gives back the lock it took, and the function does not run', async () => {
    const { backend, load, runs } = lockedLoader('hit-while-speculating');
    for (let id = 0; id < 30; id++) await load(id);
    await load.flush();
    expect(await locksLeft()).toEqual([]);
    backend.events.length = 0;
    expect(await load(3)).toEqual({ id: 3 });
    expect(backend.perCall()).toEqual([['read', 'lock', 'answered']]);
    expect(runs.count).toBe(30);
    expect(await locksLeft()).toEqual([]);
  });

  it('a function whose reads hit asks for the lock only after a miss', async () => {
    const { backend, load, runs } = lockedLoader('hitting-reads');
    await load(0);
    await load.flush();
    for (let i = 0; i < 30; i++) expect(await load(0)).toEqual({ id: 0 });
    expect(await load(1)).toEqual({ id: 1 });
    const calls = backend.perCall();
    expect(calls.slice(1, 31).every((call) => call.join() === 'read,answered')).toBe(true);
    expect(calls.at(-1)).toEqual(['read', 'answered', 'lock']);
    expect(runs.count).toBe(2);
  });
});
