import { afterEach, describe, expect, it, vi } from 'vitest';
import { cache } from '../../src/cache';
import { MemoryBackend } from '../../src/backends/memory';
import { KeyGenerationError } from '../../src/errors';
import { functionKey, tenantScopedKey } from '../../src/keys';

let counter = 0;
/** A unique function name per test so tests never share entries in the shared L1. */
const unique = (label: string) => `${label}_${process.pid}_${++counter}`;

afterEach(() => {
  vi.useRealTimers();
});

describe('cache(fn): hits and misses', () => {
  it('runs the function once per distinct argument list and counts every path', async () => {
    let runs = 0;
    const square = cache(async (n: number) => {
      runs++;
      return { n, square: n * n };
    }, { backend: null, name: unique('square') });
    expect(await square(3)).toEqual({ n: 3, square: 9 });
    expect(await square(3)).toEqual({ n: 3, square: 9 });
    expect(await square(4)).toEqual({ n: 4, square: 16 });
    expect(runs).toBe(2);
    const info = square.cacheInfo();
    expect(info).toMatchObject({ hits: 1, misses: 2, l1Hits: 1, l2Hits: 0 });
    expect(info.hits).toBe(info.l1Hits + info.l2Hits);
    expect(info.currsize).toBe(2);
    expect(typeof info.lastOperationAt).toBe('number');
    expect(info.sessionId).toMatch(/^[0-9a-f-]{36}:.+square_/);
  });

  it('gives every caller a fresh copy in the default mode, so a mutation never leaks', async () => {
    const get = cache(async () => ({ list: [1, 2, 3] }), { backend: null, name: unique('fresh') });
    const first = await get();
    first.list.push(99);
    const second = await get();
    expect(second).toEqual({ list: [1, 2, 3] });
    expect(second).not.toBe(first);
  });

  it("decodes a miss's entry once, on its first hit, and copies that decoded value on later hits", async () => {
    let decodes = 0;
    const counting = {
      name: 'counting-json',
      serialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
      deserialize: (bytes: Uint8Array) => {
        decodes++;
        return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
      },
    };
    const get = cache(async (id: number) => ({ id, when: new Date('2026-01-02T03:04:05.678Z') }), {
      backend: null,
      serializer: counting,
      name: unique('lazy'),
    });
    const computed = await get(1);
    expect(computed.when).toBeInstanceOf(Date); // the caller of a miss gets the function's own value
    expect(decodes).toBe(0);
    const first = await get(1);
    expect(first).toEqual({ id: 1, when: '2026-01-02T03:04:05.678Z' }); // what the serializer reads back
    expect(decodes).toBe(1);
    (first as unknown as { id: number }).id = 99;
    const second = await get(1);
    expect(second).toEqual({ id: 1, when: '2026-01-02T03:04:05.678Z' });
    expect(second).not.toBe(first);
    expect(decodes).toBe(1);
  });

  it('drops an entry its serializer cannot read back on the first hit, counts it and recomputes', async () => {
    let runs = 0;
    const unreadable = {
      name: 'write-only',
      serialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
      deserialize: (): unknown => {
        throw new Error('cannot read');
      },
    };
    const get = cache(async () => {
      runs++;
      return { runs };
    }, { backend: null, serializer: unreadable, name: unique('unreadable'), logger: silentLogger() });
    expect(await get()).toEqual({ runs: 1 });
    expect(await get()).toEqual({ runs: 2 });
    expect(runs).toBe(2);
    expect(get.getHealthStatus().counters.integrityErrors).toBe(1);
    expect(get.cacheInfo()).toMatchObject({ l1Hits: 0, misses: 2 });
  });

  it("returns the same object on every hit in l1.mode 'reference'", async () => {
    const get = cache(async () => ({ list: [1, 2, 3] }), { backend: null, l1: { mode: 'reference' }, name: unique('ref') });
    const first = await get();
    expect(await get()).toBe(first);
  });

  it('reads the value back from L2 in another wrapper (another process sees the same)', async () => {
    const backend = new MemoryBackend();
    const name = unique('shared');
    let runs = 0;
    // Another process runs the same function: one function object, two wrappers.
    const load = async (id: string) => {
      runs++;
      return { id, payload: 'x'.repeat(100), when: new Date('2026-01-02T03:04:05.678Z') };
    };
    const make = () => cache(load, { backend, name, module: 'tests.shared', l1: false });
    const a = make();
    const b = make();
    const fromA = await a('u1');
    await a.flush();
    const fromB = await b('u1');
    expect(runs).toBe(1);
    expect(fromB).toEqual(fromA);
    expect(fromB.when).toBeInstanceOf(Date);
    expect(b.cacheInfo()).toMatchObject({ l2Hits: 1, hits: 1, misses: 0 });
    expect(b.cacheInfo().l2AvgLatencyMs).toBeGreaterThanOrEqual(0);
  });

  it('stores keys under the single-tenant prefix t:default: in the cache() key format', async () => {
    const backend = new MemoryBackend();
    const name = unique('layout');
    const f = cache(async (n: number) => n + 1, { backend, name, module: 'app.svc', namespace: 'users', l1: false });
    await f(41);
    await f.flush();
    const prefix = `t:default:ns:users:func:app.svc:${name}:args:`;
    expect(await backend.clearPrefix(prefix)).toBe(1);
  });

  it('propagates the function’s own errors unchanged and caches nothing for them', async () => {
    let runs = 0;
    class DomainError extends Error {}
    const failing = cache(async (n: number) => {
      runs++;
      if (runs === 1) throw new DomainError(`no ${n}`);
      return n;
    }, { backend: null, name: unique('fails') });
    await expect(failing(1)).rejects.toBeInstanceOf(DomainError);
    expect(await failing(1)).toBe(1);
    expect(runs).toBe(2);
  });

  it('calls the function uncached when the arguments cannot form a key, and counts it', async () => {
    let runs = 0;
    const f = cache(async (x: unknown) => {
      runs++;
      return typeof x;
    }, { backend: null, name: unique('badargs'), logger: silentLogger() });
    const fn = () => 1;
    expect(await f(fn)).toBe('function');
    expect(await f(fn)).toBe('function');
    expect(runs).toBe(2);
    expect(f.getHealthStatus().counters.keyErrors).toBe(2);
    expect(f.cacheInfo()).toMatchObject({ hits: 0, misses: 0 });
  });

  it('returns but does not cache a result larger than maxValueBytes', async () => {
    let runs = 0;
    const big = cache(async () => {
      runs++;
      return 'y'.repeat(5000);
    }, { backend: null, maxValueBytes: 1000, name: unique('big'), logger: silentLogger() });
    expect((await big()).length).toBe(5000);
    expect((await big()).length).toBe(5000);
    expect(runs).toBe(2);
    expect(big.getHealthStatus().counters.oversizeValues).toBe(2);
  });

  it('returns but does not cache a result the serializer cannot encode', async () => {
    let runs = 0;
    const f = cache(async () => {
      runs++;
      return { handler: () => 1 };
    }, { backend: null, name: unique('unencodable'), logger: silentLogger() });
    expect(typeof (await f()).handler).toBe('function');
    await f();
    expect(runs).toBe(2);
    expect(f.getHealthStatus().counters.encodeErrors).toBe(2);
  });
});

describe('cache(fn): single-flight', () => {
  it('runs the function once for 1,000 concurrent calls on one key', async () => {
    let runs = 0;
    const slow = cache(async (id: number) => {
      runs++;
      await new Promise((r) => setTimeout(r, 20));
      return { id };
    }, { backend: new MemoryBackend(), name: unique('flight') });
    const results = await Promise.all(Array.from({ length: 1000 }, () => slow(7)));
    expect(runs).toBe(1);
    expect(results.every((r) => r.id === 7)).toBe(true);
    // Joiners get their own copies too.
    expect(results[0]).not.toBe(results[1]);
    const info = slow.cacheInfo();
    expect(info.hits + info.misses).toBe(1000);
  });

  it('shares a rejection with the joiners and lets the next call retry', async () => {
    let runs = 0;
    const f = cache(async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 5));
      if (runs === 1) throw new Error('first fails');
      return 'ok';
    }, { backend: null, name: unique('flightfail') });
    const settled = await Promise.allSettled([f(), f(), f()]);
    expect(settled.every((s) => s.status === 'rejected')).toBe(true);
    expect(await f()).toBe('ok');
    expect(runs).toBe(2);
  });
});

describe('cache(fn): TTL', () => {
  it('expires L1-only entries after the TTL', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    let runs = 0;
    const f = cache(async () => ++runs, { backend: null, ttl: '10s', l1: { swr: false }, name: unique('ttl') });
    expect(await f()).toBe(1);
    vi.setSystemTime(new Date('2026-01-01T00:00:09.900Z'));
    expect(await f()).toBe(1);
    vi.setSystemTime(new Date('2026-01-01T00:00:10.001Z'));
    expect(await f()).toBe(2);
  });

  it('expires the L1 copy one second before the L2 copy', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    let runs = 0;
    const f = cache(async () => ++runs, { backend: new MemoryBackend(), ttl: 10, l1: { swr: false }, name: unique('lead') });
    await f();
    vi.setSystemTime(new Date('2026-01-01T00:00:09.500Z'));
    await f();
    // L1 expired at 9 s; the read went to L2 (whose own clock is the real one: still fresh).
    expect(f.cacheInfo()).toMatchObject({ l1Hits: 0, l2Hits: 1 });
  });
});

describe('cache(fn): stale-while-revalidate', () => {
  it('serves the cached value after ttl × threshold and refreshes once in the background', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    let runs = 0;
    const f = cache(async () => ++runs, { backend: null, ttl: 100, l1: { swr: true, swrThreshold: 0.5 }, name: unique('swr') });
    expect(await f()).toBe(1);
    vi.setSystemTime(new Date('2026-01-01T00:01:00Z')); // 60 s: past 0.5 × 100 s ± 10 %
    const stale = await Promise.all([f(), f(), f()]);
    expect(stale).toEqual([1, 1, 1]);
    await f.flush();
    expect(runs).toBe(2);
    expect(await f()).toBe(2);
    expect(f.getHealthStatus().counters.swrRefreshes).toBe(1);
  });

  it('never resurrects an entry invalidated while its refresh was running', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    const backend = new MemoryBackend();
    let runs = 0;
    let release: () => void = () => {};
    const f = cache(async () => {
      runs++;
      if (runs === 2) await new Promise<void>((r) => (release = r));
      return runs;
    }, { backend, ttl: 100, l1: { swrThreshold: 0.5 }, name: unique('swrguard') });
    expect(await f()).toBe(1);
    await f.flush();
    vi.setSystemTime(new Date('2026-01-01T00:01:00Z'));
    expect(await f()).toBe(1); // triggers the refresh, which now waits
    await vi.waitFor(() => expect(runs).toBe(2));
    await f.invalidate();
    release();
    await f.flush();
    // The stale refresh must not have written anything back: the next call recomputes.
    expect(await f()).toBe(3);
  });
});

describe('cache(fn): invalidation', () => {
  it('invalidate(...args) removes exactly that call’s entry from every tier', async () => {
    const backend = new MemoryBackend();
    let runs = 0;
    const f = cache(async (n: number) => `${n}:${++runs}`, { backend, name: unique('inv') });
    await f(1);
    await f(2);
    await f.flush();
    expect(await f.invalidate(1)).toBe(true);
    expect(await f(1)).toBe('1:3');
    expect(await f(2)).toBe('2:2');
    expect(await f.invalidate(99)).toBe(false);
  });

  it('invalidate honours a custom key function', async () => {
    let runs = 0;
    const f = cache(async (user: { id: number; name: string }) => `${user.name}:${++runs}`, {
      backend: new MemoryBackend(),
      key: (user) => `user:${user.id}`,
      name: unique('customkey'),
    });
    expect(await f({ id: 1, name: 'a' })).toBe('a:1');
    expect(await f({ id: 1, name: 'changed' })).toBe('a:1'); // same key by design
    expect(await f.invalidate({ id: 1, name: 'whatever' })).toBe(true);
    expect(await f({ id: 1, name: 'b' })).toBe('b:2');
  });

  it('cacheClear() removes every entry of the function in every tier and nothing of other functions', async () => {
    const backend = new MemoryBackend();
    let runs = 0;
    const f = cache(async (n: number) => ++runs + n * 0, { backend, name: unique('clear') });
    const g = cache(async (n: number) => `g${n}`, { backend, name: unique('other') });
    for (let i = 0; i < 20; i++) await f(i);
    await g(1);
    await f.flush();
    await g.flush();
    const removed = await f.cacheClear();
    expect(removed).toBeGreaterThanOrEqual(40); // 20 in L1 + 20 in L2
    expect(f.cacheInfo()).toMatchObject({ hits: 0, misses: 0, currsize: 0 });
    expect(f.cacheInfo().sessionId).toMatch(/#1$/);
    await f(0);
    expect(runs).toBe(21);
    expect(await g(1)).toBe('g1');
    expect(g.cacheInfo().l1Hits).toBe(1);
  });

  it('a computation that started before cacheClear() never writes its stale result', async () => {
    const backend = new MemoryBackend();
    let release: () => void = () => {};
    let runs = 0;
    const f = cache(async () => {
      runs++;
      if (runs === 1) await new Promise<void>((r) => (release = r));
      return runs;
    }, { backend, name: unique('clearflight') });
    const pending = f();
    await vi.waitFor(() => expect(runs).toBe(1));
    await f.cacheClear();
    release();
    expect(await pending).toBe(1);
    await f.flush();
    expect(await f()).toBe(2);
  });
});

describe('cache(fn): this and wrapper forms', () => {
  it('passes `this` through to the function', async () => {
    const service = {
      base: 10,
      add: cache(async function (this: { base: number }, n: number) {
        return this.base + n;
      }, { backend: null, name: unique('thisarg') }),
    };
    expect(await service.add(5)).toBe(15);
  });

  it('cache(options)(fn) is the same as cache(fn, options)', async () => {
    const f = cache({ backend: null, ttl: 60 })(async function curried(n: number) {
      return n * 2;
    });
    expect(await f(21)).toBe(42);
    expect(await f(21)).toBe(42);
    expect(f.cacheInfo().l1Hits).toBe(1);
  });

  it('withSignal: an aborted signal stops the wait for the cache, never the function', async () => {
    let runs = 0;
    const f = cache(async (n: number) => {
      runs++;
      return n;
    }, { backend: new MemoryBackend(), name: unique('signal') });
    const controller = new AbortController();
    controller.abort();
    expect(await f.withSignal(controller.signal)(5)).toBe(5);
    expect(runs).toBe(1);
  });
});

function silentLogger() {
  const noop = () => {};
  return { trace: noop, debug: noop, info: noop, warn: noop, error: noop };
}

describe('KeyGenerationError surfaces from invalidate()', () => {
  it('rejects invalidate() with a KeyGenerationError naming the argument', async () => {
    const f = cache(async (x: unknown) => x, { backend: null, name: unique('invbad') });
    await expect(f.invalidate(Symbol('s'))).rejects.toBeInstanceOf(KeyGenerationError);
  });
});

describe('cache(fn): refreshTtlOnGet', () => {
  it('refreshes the L2 TTL on a hit whose remaining TTL fell below ttl × threshold', async () => {
    const backend = new MemoryBackend();
    const name = unique('refreshttl');
    const f = cache(async (n: number) => n, { backend, ttl: 100, l1: false, refreshTtlOnGet: { threshold: 0.5 }, name, module: 'ttlrefresh' });
    await f(1);
    await f.flush();
    const key = tenantScopedKey('default', functionKey({ module: 'ttlrefresh', name, args: [1] }));
    // Age the entry: 30 s left of 100 s, below the 50 s threshold.
    await backend.refreshTtl(key, 30);
    await f(1);
    await f.flush();
    expect(await backend.getTtl(key)).toBeGreaterThan(90);
    // Above the threshold nothing is touched.
    await backend.refreshTtl(key, 80);
    await f(1);
    await f.flush();
    expect(await backend.getTtl(key)).toBeLessThanOrEqual(80);
  });
});

describe('cacheClear() on a backend that cannot clear by prefix', () => {
  it('removes the file-backend entries this function wrote', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { FileBackend } = await import('../../src/backends/file/backend');
    const directory = mkdtempSync(path.join(tmpdir(), 'cachekit-clear-'));
    const backend = new FileBackend({ directory });
    try {
      let runs = 0;
      const f = cache(async (n: number) => ({ n, run: ++runs }), { backend, name: unique('fileclear'), l1: false });
      for (let i = 0; i < 5; i++) await f(i);
      await f.flush();
      expect((await f(3)).run).toBe(4); // cached
      expect(await f.cacheClear()).toBe(5);
      expect((await f(3)).run).toBe(6); // recomputed
    } finally {
      await backend.close?.();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('large values', () => {
  it('seal and open values of 1 MiB and more on the thread pool, round-tripping them exactly', async () => {
    const { ByteStorage } = await import('../../src/native');
    const storeAsync = vi.spyOn(ByteStorage.prototype, 'storeAsync');
    const retrieveAsync = vi.spyOn(ByteStorage.prototype, 'retrieveAsync');
    try {
      const backend = new MemoryBackend({ maxSizeBytes: 64 * 1024 * 1024 });
      const big = { rows: Array.from({ length: 60_000 }, (_, i) => ({ i, label: `row-${i}`, ok: i % 2 === 0 })) };
      const name = unique('big');
      // One function wrapped twice (two processes); it would now compute something else, so the
      // reader's value can only come from the writer's entry.
      let result: unknown = big;
      const compute = async () => result;
      const writer = cache(compute, { backend, name, module: 'large', l1: false });
      await writer();
      await writer.flush();
      expect(storeAsync).toHaveBeenCalledTimes(1);
      result = { rows: [] };
      const reader = cache(compute, { backend, name, module: 'large', l1: false });
      expect(await reader()).toEqual(big);
      expect(retrieveAsync).toHaveBeenCalledTimes(1);
    } finally {
      storeAsync.mockRestore();
      retrieveAsync.mockRestore();
    }
  });
});

describe('entries copied under another key', () => {
  it('a plaintext entry moved to another key of the same function is a miss, never that key’s value', async () => {
    const backend = new MemoryBackend();
    const name = unique('moved');
    let runs = 0;
    const f = cache(async (n: number) => ({ n, run: ++runs }), { backend, name, module: 'moved', l1: false });
    await f(1);
    await f(2);
    await f.flush();
    const keyOf = (n: number) => tenantScopedKey('default', functionKey({ module: 'moved', name, args: [n] }));
    await backend.set(keyOf(2), (await backend.get(keyOf(1)))!);
    expect(await f(2)).toEqual({ n: 2, run: 3 });
    expect(f.getHealthStatus().counters.integrityErrors).toBe(1);
  });
});
