/**
 * Tags in one process: `cache(fn, { tags })` stores each entry with its tags and its creation
 * time; `fn.invalidateTags()` / `invalidateTags(backend, tags)` stamp the tags' invalidation
 * time in L2 and in the process's stamp table, and every entry created before the stamp is a
 * miss from then on, in L1 and in L2, in every function that tagged it. Real memory and file
 * backends; "another process" without a bus is a second backend object over the same files
 * (its own stamp table), which is what a second process on the same directory is.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cache, ConfigurationError, invalidateTags, MemoryBackend, runWithTenant, TenantError } from '../../src';
import { FileBackend } from '../../src/backends/file/backend';
import { functionKey, tenantScopedKey } from '../../src/keys';
import { scratchDirectories } from '../support/scratch-dirs';

let counter = 0;
/** A unique function name per test so tests never share entries in the shared L1. */
const unique = (label: string) => `${label}_${process.pid}_${++counter}`;
const scratch = scratchDirectories('cachekit-tags-');

afterEach(() => {
  vi.useRealTimers();
});

/** A cached lookup over a mutable source of truth, counting its runs. */
function tracked<T>(source: Map<number, T>) {
  const runs = { count: 0 };
  const load = async (id: number) => {
    runs.count++;
    return source.get(id) ?? null;
  };
  return { runs, load };
}

describe('tags: invalidating a tag', () => {
  it('drops every entry that carries the tag, in L1 and L2, across functions; other tags and untagged entries stay', async () => {
    const backend = new MemoryBackend();
    const truth = new Map([
      [1, 'one'],
      [2, 'two'],
    ]);
    const products = tracked(truth);
    const prices = tracked(truth);
    const plain = tracked(truth);
    const getProduct = cache(products.load, { backend, name: unique('product'), tags: (id) => [`product:${id}`, 'catalog'] });
    const getPrice = cache(prices.load, { backend, name: unique('price'), tags: (id) => [`product:${id}`] });
    const getPlain = cache(plain.load, { backend, name: unique('plain') });
    for (const id of [1, 2]) {
      await getProduct(id);
      await getPrice(id);
      await getPlain(id);
    }
    await Promise.all([getProduct.flush(), getPrice.flush(), getPlain.flush()]);
    truth.set(1, 'ONE');

    expect(await getProduct.invalidateTags(['product:1'])).toBe(true);

    expect(await getProduct(1)).toBe('ONE');
    expect(await getPrice(1)).toBe('ONE');
    expect(await getProduct(2)).toBe('two');
    expect(await getPrice(2)).toBe('two');
    expect(await getPlain(1)).toBe('one'); // untagged: untouched (and so stale, as an untagged entry is)
    expect([products.runs.count, prices.runs.count, plain.runs.count]).toEqual([3, 3, 2]);
    // Its L1 copy and its L2 copy were both found invalidated.
    expect(getProduct.getHealthStatus().counters.tagInvalidated).toBe(2);
  });

  it('makes an L2 read of an entry created before the stamp a miss (no L1 involved)', async () => {
    const backend = new MemoryBackend();
    const truth = new Map([[7, 'old']]);
    const source = tracked(truth);
    const get = cache(source.load, { backend, l1: false, name: unique('l2only'), tags: (id) => [`item:${id}`] });
    expect(await get(7)).toBe('old');
    await get.flush();
    expect(await get(7)).toBe('old');
    expect(get.cacheInfo()).toMatchObject({ l2Hits: 1, misses: 1 });
    truth.set(7, 'new');
    await get.invalidateTags(['item:7']);
    expect(await get(7)).toBe('new');
    await get.flush();
    expect(await get(7)).toBe('new'); // the recomputed entry was created after the stamp: a hit
    expect(get.cacheInfo()).toMatchObject({ l2Hits: 2, misses: 2 });
  });

  it('reaches caches on the same backend through the exported invalidateTags(backend, tags)', async () => {
    const backend = new MemoryBackend();
    const truth = new Map([[3, 'a']]);
    const source = tracked(truth);
    const get = cache(source.load, { backend, name: unique('exported'), tags: () => ['everything'] });
    await get(3);
    truth.set(3, 'b');
    expect(await invalidateTags(backend, ['everything'])).toBe(true);
    expect(await get(3)).toBe('b');
    expect(source.runs.count).toBe(2);
  });

  it('tags taken from the result (fromResult) invalidate like tags taken from the arguments', async () => {
    const backend = new MemoryBackend();
    const orders = new Map([
      [10, { id: 10, user: 'ann' }],
      [11, { id: 11, user: 'bob' }],
    ]);
    const source = tracked(orders);
    const getOrder = cache(source.load, {
      backend,
      name: unique('order'),
      tags: { fromArgs: (id) => [`order:${id}`], fromResult: (order) => (order === null ? [] : [`user:${order.user}`]) },
    });
    await getOrder(10);
    await getOrder(11);
    await getOrder.invalidateTags(['user:ann']);
    await getOrder(10);
    await getOrder(11);
    expect(source.runs.count).toBe(3);
    await getOrder.invalidateTags(['order:11']);
    await getOrder(11);
    expect(source.runs.count).toBe(4);
  });

  it("never invalidates another tenant's entries", async () => {
    const backend = new MemoryBackend();
    const source = tracked(new Map([[1, 'x']]));
    const get = cache(source.load, { backend, tenant: 'context', name: unique('tenants'), tags: (id) => [`product:${id}`] });
    await runWithTenant('acme', () => get(1));
    await runWithTenant('globex', () => get(1));
    await runWithTenant('acme', () => get.invalidateTags(['product:1']));
    await runWithTenant('acme', () => get(1));
    await runWithTenant('globex', () => get(1));
    expect(source.runs.count).toBe(3);
    expect(get.cacheInfo()).toMatchObject({ l1Hits: 1 });
    await get.invalidateTags(['product:1'], { tenant: 'globex' });
    await runWithTenant('globex', () => get(1));
    expect(source.runs.count).toBe(4);
    // A multi-tenant cache with no tenant in sight refuses rather than guess.
    await expect(get.invalidateTags(['product:1'])).rejects.toThrow(TenantError);
  });

  it('works without an L2: the stamp table of the process is the whole truth', async () => {
    const source = tracked(new Map([[1, 'x']]));
    const get = cache(source.load, { backend: null, name: unique('l1only'), tags: () => ['t'] });
    await get(1);
    await get(1);
    await get.invalidateTags(['t']);
    await get(1);
    expect(source.runs.count).toBe(2);
  });
});

describe('tags without a bus (file backend): the stamp table is re-read after a short TTL', () => {
  it("another process's invalidation is honoured within a second, not only when the entry expires", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-01T00:00:00Z'));
    const directory = scratch();
    const mine = new FileBackend({ directory });
    const theirs = new FileBackend({ directory }); // the other process: same files, its own stamp table
    const source = tracked(new Map([[1, 'v1']]));
    const name = unique('filebus');
    const reader = cache(source.load, { backend: mine, l1: false, name, tags: (id) => [`p:${id}`] });
    const writer = cache(source.load, { backend: theirs, l1: false, name, tags: (id) => [`p:${id}`] });
    await reader(1);
    await reader.flush();
    await reader(1); // an L2 hit; the reader's table now knows tag p:1 (never invalidated)
    expect(source.runs.count).toBe(1);

    vi.setSystemTime(new Date('2026-03-01T00:00:00.100Z'));
    await writer.invalidateTags(['p:1']);
    await reader(1); // still within the table's TTL: the stamp is not known here yet
    expect(source.runs.count).toBe(1);

    vi.setSystemTime(new Date('2026-03-01T00:00:01.200Z'));
    await reader(1); // the table entry ran out: the stamp is read again, the entry is older: a miss
    expect(source.runs.count).toBe(2);
    await Promise.all([mine.close(), theirs.close()]);
  });
});

describe('tags: how tagged entries are stored', () => {
  it('lives under keys of its own, so a cache without tags never reads a tagged entry as its value', async () => {
    const backend = new MemoryBackend();
    const name = unique('apart');
    const fn = async (id: number) => ({ id });
    const tagged = cache(fn, { backend, name, module: 'tags-test', tags: () => ['x'] });
    await tagged(1);
    await tagged.flush();
    const plainKey = tenantScopedKey('default', functionKey({ module: 'tags-test', name, args: [1] }));
    expect(await backend.get(plainKey)).toBeNull();
    const plain = cache(fn, { backend, name, module: 'tags-test', l1: false });
    expect(await plain(1)).toEqual({ id: 1 });
    expect(plain.cacheInfo().misses).toBe(1);
  });

  it('leaves the result uncached (and counts it) when the tags function throws or returns no list of strings', async () => {
    const backend = new MemoryBackend();
    const source = tracked(new Map([[1, 'x']]));
    let mode: 'throw' | 'number' | 'empty-string' = 'throw';
    const get = cache(source.load, {
      backend,
      name: unique('badtags'),
      tags: () => {
        if (mode === 'throw') throw new Error('no tags today');
        return mode === 'number' ? ([42] as unknown as string[]) : [''];
      },
    });
    expect(await get(1)).toBe('x');
    mode = 'number';
    expect(await get(1)).toBe('x');
    mode = 'empty-string';
    expect(await get(1)).toBe('x');
    expect(source.runs.count).toBe(3);
    expect(get.getHealthStatus().counters.encodeErrors).toBe(3);
  });
});

describe('tags with every way a value is kept', () => {
  const jsonText = {
    name: 'json-text',
    serialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
    deserialize: (bytes: Uint8Array) => JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown,
  };
  const modes = [
    ['encrypted (sealed bytes in L1)', { encryption: { masterKey: 'a1'.repeat(32) }, tenant: 'single' as const }],
    ['keyed integrity (an HMAC over frame and value)', { integrity: { masterKey: 'a1'.repeat(32) } }],
    ['reference mode (live values in L1)', { l1: { mode: 'reference' as const } }],
    ['frozen mode (one frozen value in L1)', { l1: { mode: 'frozen' as const } }],
    ['a custom serializer', { serializer: jsonText }],
    ["the 'auto' serializer", { serializer: 'auto' as const }],
  ] as const;
  for (const [label, options] of modes) {
    it(`${label}: hits serve the value (small and large), and a tag invalidation drops it in L1 and L2`, async () => {
      const backend = new MemoryBackend();
      const big = 'x'.repeat(2 * 1024 * 1024); // past the size where sealing and opening move to the thread pool
      const source = tracked(new Map([[1, { text: 'small' }], [2, { text: big }]]));
      const name = unique('modes');
      const get = cache(source.load, { backend, name, ...options, tags: (id) => [`p:${id}`] });
      const reader = cache(source.load, { backend, name, ...options, l1: false, tags: (id) => [`p:${id}`] });
      for (const id of [1, 2]) {
        const expected = { text: id === 1 ? 'small' : big };
        await get(id);
        await get.flush();
        expect(await get(id)).toEqual(expected); // L1 hit
        expect(await reader(id)).toEqual(expected); // L2 hit
      }
      expect(source.runs.count).toBe(2);
      expect(get.cacheInfo().l1Hits).toBe(2);
      expect(reader.cacheInfo().l2Hits).toBe(2);
      await get.invalidateTags(['p:1', 'p:2']);
      await get(1);
      await reader(2);
      expect(source.runs.count).toBe(4);
    });
  }
});

describe('tags: options', () => {
  const fn = async (id: number) => id;

  it('refuses tags in interop mode, whose values other SDKs read as plain MessagePack', () => {
    expect(() => cache(fn, { backend: null, interop: 'op', namespace: 'ns', tags: () => ['x'] })).toThrow(ConfigurationError);
    expect(() => cache(fn, { backend: null, interop: 'op', namespace: 'ns', tags: () => ['x'] })).toThrow(/Option `tags` cannot be combined with `interop`/);
  });

  it('refuses a tagged cache whose entries never expire (a tag stamp must outlive every entry it covers)', () => {
    expect(() => cache(fn, { backend: null, name: unique('forever'), ttl: 0, tags: () => ['x'] })).toThrow(/Option `tags` needs entries that expire/);
  });

  it('refuses tags that are not a function or { fromArgs, fromResult }', () => {
    expect(() => cache(fn, { backend: null, name: unique('t1'), tags: ['x'] as never })).toThrow(/`tags`/);
    expect(() => cache(fn, { backend: null, name: unique('t2'), tags: { fromResult: 'x' } as never })).toThrow(/tags\.fromResult/);
    expect(() => cache(fn, { backend: null, name: unique('t3'), tags: { other: () => [] } as never })).toThrow(/tags\.other/);
  });

  it('refuses to invalidate tags that are not non-empty strings', async () => {
    const get = cache(fn, { backend: null, name: unique('badinvalidate'), tags: () => ['x'] });
    await expect(get.invalidateTags([''])).rejects.toThrow(ConfigurationError);
    await expect(invalidateTags(new MemoryBackend(), 'x' as never)).rejects.toThrow(ConfigurationError);
  });
});
