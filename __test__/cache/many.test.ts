/**
 * `fn.many(argsList)` in one process, on the real memory backend, counting what reaches it:
 * L1 answers what it holds, one `getMany` reads the rest, the function (or one `loadMany` call)
 * runs for what is still missing, one `setMany` writes the new values, and single calls of the
 * same keys share the runs.
 */
import { describe, expect, it } from 'vitest';
import { cache, ConfigurationError, MemoryBackend } from '../../src';
import type { BackendCallOptions, BackendEntry } from '../../src/backends/types';

let counter = 0;
const unique = (label: string) => `${label}_${process.pid}_${++counter}`;

/** The memory backend, counting the calls of each operation (its getMany reads through its own get: not counted as gets). */
class CountingBackend extends MemoryBackend {
  readonly calls = { get: 0, getMany: 0, set: 0, setMany: 0 };

  override async get(key: string, options?: BackendCallOptions): Promise<Buffer | null> {
    this.calls.get++;
    return super.get(key, options);
  }

  override async getMany(keys: readonly string[], options?: BackendCallOptions): Promise<Array<Buffer | null>> {
    this.calls.getMany++;
    this.calls.get -= keys.length;
    return super.getMany(keys, options);
  }

  override async set(key: string, value: Buffer, ttlSeconds?: number, options?: BackendCallOptions): Promise<void> {
    this.calls.set++;
    return super.set(key, value, ttlSeconds, options);
  }

  override async setMany(entries: readonly BackendEntry[], options?: BackendCallOptions): Promise<void> {
    this.calls.setMany++;
    return super.setMany(entries, options);
  }

  reset(): void {
    Object.assign(this.calls, { get: 0, getMany: 0, set: 0, setMany: 0 });
  }
}

function source() {
  const ran: number[] = [];
  const load = async (id: number) => {
    ran.push(id);
    return { id, name: `item ${id}` };
  };
  return { ran, load };
}

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => [from + i] as [number]);

describe('many(argsList)', () => {
  it('answers in order from L1, then one getMany, then the function, then one setMany', async () => {
    const backend = new CountingBackend();
    const { ran, load } = source();
    const name = unique('bulk');
    const get = cache(load, { backend, name });
    const l2Writer = cache(load, { backend, name, l1: false }); // same function: writes L2 only
    for (const id of [1, 2, 3]) await get(id);
    for (const id of [4, 5]) await l2Writer(id);
    await Promise.all([get.flush(), l2Writer.flush()]);
    backend.reset();
    ran.length = 0;

    const results = await get.many(ids(1, 7));
    expect(results).toEqual(ids(1, 7).map(([id]) => ({ id, name: `item ${id}` })));
    expect(ran).toEqual([6, 7]);
    expect(backend.calls).toMatchObject({ get: 0, getMany: 1 });
    await get.flush();
    expect(backend.calls).toMatchObject({ set: 0, setMany: 1 });
    expect(get.cacheInfo()).toMatchObject({ l1Hits: 3, l2Hits: 2, misses: 5 });

    backend.reset();
    expect(await get.many(ids(1, 7))).toHaveLength(7);
    expect(backend.calls).toEqual({ get: 0, getMany: 0, set: 0, setMany: 0 });
  });

  it('reads what L2 holds in one getMany and runs the function only for the rest', async () => {
    const backend = new CountingBackend();
    const { ran, load } = source();
    const name = unique('l2hits');
    const writer = cache(load, { backend, name, l1: false });
    await writer.many(ids(1, 8));
    await writer.flush();
    ran.length = 0;
    backend.reset();
    const reader = cache(load, { backend, name, l1: false });
    const results = await reader.many(ids(1, 10));
    expect(results.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(ran).toEqual([9, 10]);
    expect(reader.cacheInfo()).toMatchObject({ l2Hits: 8, misses: 2 });
    expect(backend.calls.getMany).toBe(1);
    expect(backend.calls.get).toBe(0);
  });

  it('with loadMany, loads every missing entry in one call, in order, and stores each', async () => {
    const backend = new CountingBackend();
    const { ran, load } = source();
    const batches: number[][] = [];
    const get = cache(load, {
      backend,
      name: unique('loadMany'),
      loadMany: async (missing) => {
        batches.push(missing.map(([id]) => id));
        return missing.map(([id]) => ({ id, name: `batch ${id}` }));
      },
    });
    await get(2);
    const results = await get.many([[1], [2], [3], [4]]);
    expect(results).toEqual([
      { id: 1, name: 'batch 1' },
      { id: 2, name: 'item 2' },
      { id: 3, name: 'batch 3' },
      { id: 4, name: 'batch 4' },
    ]);
    expect(batches).toEqual([[1, 3, 4]]);
    expect(ran).toEqual([2]);
    expect(await get(3)).toEqual({ id: 3, name: 'batch 3' });
    expect(get.cacheInfo().l1Hits).toBe(2);
  });

  it('shares each run with concurrent single calls of the same key, and duplicates within the list', async () => {
    const backend = new CountingBackend();
    let runs = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const get = cache(
      async (id: number) => {
        runs++;
        await gate;
        return { id };
      },
      { backend, name: unique('shared') },
    );
    const bulk = get.many([[1], [2], [1]]);
    const single = get(2);
    const before = get(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    const [results, two, one] = await Promise.all([bulk, single, before]);
    expect(runs).toBe(2);
    expect(results).toEqual([{ id: 1 }, { id: 2 }, { id: 1 }]);
    expect(results[0]).not.toBe(results[2]); // each call its own copy
    expect([two, one]).toEqual([{ id: 2 }, { id: 1 }]);
    expect(get.getHealthStatus().counters.coalesced).toBe(3);
  });

  it("rejects with a call's own error; the other results are still stored", async () => {
    const backend = new CountingBackend();
    const ran: number[] = [];
    const get = cache(
      async (id: number) => {
        ran.push(id);
        if (id === 2) throw new Error('no item 2');
        return id * 10;
      },
      { backend, name: unique('partial') },
    );
    await expect(get.many([[1], [2], [3]])).rejects.toThrow('no item 2');
    await get.flush();
    expect(await get.many([[1], [3]])).toEqual([10, 30]);
    expect(ran).toEqual([1, 2, 3]);
  });

  it('rejects when loadMany does not return one result per call, and stores nothing', async () => {
    const backend = new CountingBackend();
    const get = cache(async (id: number) => id, { backend, name: unique('badLoadMany'), loadMany: async () => [1] });
    await expect(get.many([[1], [2]])).rejects.toThrow(/`loadMany` returned 1 results for 2 calls/);
    await get.flush();
    expect(backend.calls.set + backend.calls.setMany).toBe(0);
  });

  it('serves fail-safe stale values for calls whose function fails', async () => {
    const backend = new CountingBackend();
    let failing = false;
    const get = cache(
      async (id: number) => {
        if (failing) throw new Error('down');
        return `v${id}`;
      },
      { backend, l1: false, ttl: '50ms', name: unique('bulkStale'), failSafe: { maxStaleSeconds: 60 } },
    );
    await get.many([[1], [2]]);
    await get.flush();
    await new Promise((resolve) => setTimeout(resolve, 60)); // past the TTL: stale, still in L2
    failing = true;
    expect(await get.many([[1], [2]])).toEqual(['v1', 'v2']);
    expect(get.getHealthStatus().counters.failSafeHits).toBe(2);
    await expect(get.many([[3]])).rejects.toThrow('down');
  });

  it('honours tags: after invalidateTags, only the tagged calls run again (L1 and L2 copies alike)', async () => {
    const backend = new CountingBackend();
    const { ran, load } = source();
    const name = unique('bulkTags');
    const get = cache(load, { backend, name, tags: (id) => [id % 2 === 0 ? 'even' : 'odd'] });
    const fromL2 = cache(load, { backend, name, l1: false, tags: (id) => [id % 2 === 0 ? 'even' : 'odd'] });
    await get.many(ids(1, 6));
    await get.flush();
    ran.length = 0;
    await get.invalidateTags(['even']);
    expect((await get.many(ids(1, 6))).map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(ran).toEqual([2, 4, 6]);
    await get.flush();
    ran.length = 0;
    await fromL2.invalidateTags(['odd']);
    expect((await fromL2.many(ids(1, 6))).map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(ran).toEqual([1, 3, 5]);
  });

  it('runs calls whose arguments form no key uncached, and refuses anything but a list of argument lists', async () => {
    const get = cache(async (value: unknown) => typeof value, { backend: null, name: unique('odd') });
    expect(await get.many([[Symbol('s')], [1]])).toEqual(['symbol', 'number']);
    expect(get.getHealthStatus().counters.keyErrors).toBe(1);
    await expect(get.many([1, 2] as never)).rejects.toThrow(ConfigurationError);
  });

  it('gives its calls the this it was called with (fn.many.call(instance, list)), and none when called as fn.many(list)', async () => {
    const seen: unknown[] = [];
    const get = cache(
      async function (this: unknown, id: number) {
        seen.push(this);
        return id;
      },
      { backend: null, name: unique('manyThis') },
    );
    const self = { name: 'instance' };
    expect(await get.many.call(self, [[1], [2]])).toEqual([1, 2]);
    expect(await get.many([[3]])).toEqual([3]);
    const { many } = get;
    expect(await many([[4]])).toEqual([4]);
    expect(seen).toEqual([self, self, undefined, undefined]);
  });
});
