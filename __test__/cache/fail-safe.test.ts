/**
 * Fail-safe and factory timeouts in one process, against the real memory backend (its clock
 * and the cache's are both `Date`, moved by fake timers: expiry is exact, not waited for).
 * `failSafe: { maxStaleSeconds }` keeps entries that long past their TTL (L2 TTL = ttl +
 * maxStaleSeconds, the entry's frame carries its logical expiry); when the function throws or
 * passes `factoryTimeout.soft`, the caller gets that stale value, counted; `factoryTimeout.hard`
 * stops the wait but lets the function finish and store its result.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cache, ConfigurationError, FactoryTimeoutError, MemoryBackend } from '../../src';
import { functionKey, tenantScopedKey } from '../../src/keys';
import { RecordingBackend } from '../support/recording-backend';

let counter = 0;
const unique = (label: string) => `${label}_${process.pid}_${++counter}`;
const START = new Date('2026-04-01T00:00:00Z');
const at = (seconds: number) => new Date(START.getTime() + seconds * 1000);

afterEach(() => {
  vi.useRealTimers();
});

/** Freezes `Date` at START (tests move it) and returns a memory backend on that clock. */
function frozenAtStart(): MemoryBackend {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(START);
  return new MemoryBackend({ clock: () => Date.now() });
}

/** A source that answers, throws, or hangs until released, as the test says. */
function flakySource() {
  const state = { mode: 'ok' as 'ok' | 'throw' | 'hang', version: 1, runs: 0, release: (): void => undefined };
  const load = async (id: number) => {
    state.runs++;
    if (state.mode === 'throw') throw new Error(`database down (${id})`);
    if (state.mode === 'hang') await new Promise<void>((resolve) => (state.release = resolve));
    return `v${state.version}:${id}`;
  };
  return { state, load };
}

describe('fail-safe: the function fails after the TTL', () => {
  it('serves the last value, stale, counts it, and tries the function again after retryAfter', async () => {
    const backend = frozenAtStart();
    const source = flakySource();
    const get = cache(source.load, { backend, ttl: 10, name: unique('stale'), l1: { swr: false }, failSafe: { maxStaleSeconds: 60, retryAfter: '5s' } });
    expect(await get(1)).toBe('v1:1');
    await get.flush();

    vi.setSystemTime(at(11));
    source.state.mode = 'throw';
    expect(await get(1)).toBe('v1:1');
    expect(get.getHealthStatus().counters.failSafeHits).toBe(1);
    expect(source.state.runs).toBe(2);

    // Within retryAfter the stale value is served without running the failing function again.
    vi.setSystemTime(at(13));
    expect(await get(1)).toBe('v1:1');
    expect(source.state.runs).toBe(2);

    // After it, the function is tried again; once it answers, its value is fresh.
    vi.setSystemTime(at(17));
    source.state.mode = 'ok';
    source.state.version = 2;
    expect(await get(1)).toBe('v2:1');
    expect(source.state.runs).toBe(3);
    expect(await get(1)).toBe('v2:1');
    expect(source.state.runs).toBe(3);
  });

  it('serves it from L2 too (another process, or L1 off): the entry is kept past its TTL there', async () => {
    frozenAtStart();
    const backend = new RecordingBackend({ clock: () => Date.now() });
    const source = flakySource();
    const get = cache(source.load, { backend, ttl: 10, l1: false, name: unique('l2stale'), failSafe: { maxStaleSeconds: 60 } });
    expect(await get(2)).toBe('v1:2');
    await get.flush();
    expect(backend.writes.at(-1)?.ttlSeconds).toBe(70);

    vi.setSystemTime(at(30));
    source.state.mode = 'throw';
    expect(await get(2)).toBe('v1:2');
    expect(get.cacheInfo()).toMatchObject({ l2Hits: 0, misses: 2 });
    expect(get.getHealthStatus().counters.failSafeHits).toBe(1);
  });

  it("lets the function's own error reach the caller when nothing is left to serve", async () => {
    const backend = frozenAtStart();
    const source = flakySource();
    const get = cache(source.load, { backend, ttl: 10, name: unique('nothing'), failSafe: { maxStaleSeconds: 60 } });
    source.state.mode = 'throw';
    await expect(get(3)).rejects.toThrow('database down (3)'); // never cached: no stale value

    source.state.mode = 'ok';
    expect(await get(3)).toBe('v1:3');
    await get.flush();
    vi.setSystemTime(at(71)); // past ttl + maxStaleSeconds: gone from both tiers
    source.state.mode = 'throw';
    await expect(get(3)).rejects.toThrow('database down (3)');
    expect(get.getHealthStatus().counters.failSafeHits).toBe(0);
  });

  it('never serves a value an invalidation removed', async () => {
    const backend = frozenAtStart();
    const source = flakySource();
    const get = cache(source.load, { backend, ttl: 10, name: unique('invalidated'), failSafe: { maxStaleSeconds: 60 } });
    await get(4);
    await get.flush();
    vi.setSystemTime(at(20));
    await get.invalidate(4);
    source.state.mode = 'throw';
    await expect(get(4)).rejects.toThrow('database down (4)');
  });
});

describe('factory timeouts', () => {
  it('soft: past it, the caller gets the stale value; the function finishes in the background and its value is stored', async () => {
    const backend = frozenAtStart();
    const source = flakySource();
    const get = cache(source.load, {
      backend,
      ttl: 10,
      name: unique('soft'),
      failSafe: { maxStaleSeconds: 60, retryAfter: 0 },
      factoryTimeout: { soft: '20ms' },
    });
    expect(await get(5)).toBe('v1:5');
    await get.flush();
    vi.setSystemTime(at(11));
    source.state.mode = 'hang';
    source.state.version = 2;
    expect(await get(5)).toBe('v1:5');
    expect(get.getHealthStatus().counters).toMatchObject({ softTimeouts: 1, failSafeHits: 1 });

    source.state.release();
    await get.flush();
    source.state.mode = 'throw';
    expect(await get(5)).toBe('v2:5'); // stored by the run the caller stopped waiting for
    expect(source.state.runs).toBe(2);
  });

  it('hard: with nothing stale, the call rejects with FactoryTimeoutError; the function still stores its value', async () => {
    const backend = new MemoryBackend();
    const source = flakySource();
    const get = cache(source.load, { backend, name: unique('hard'), factoryTimeout: { hard: '20ms' } });
    source.state.mode = 'hang';
    const error = await get(6).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FactoryTimeoutError);
    expect((error as FactoryTimeoutError).code).toBe('ERR_FACTORY_TIMEOUT');
    expect(get.getHealthStatus().counters.hardTimeouts).toBe(1);

    source.state.release();
    await get.flush();
    expect(await get(6)).toBe('v1:6');
    expect(source.state.runs).toBe(1);
  });

  it('hard without fail-safe: a function that answers in time is untouched by it', async () => {
    const source = flakySource();
    const get = cache(source.load, { backend: null, name: unique('intime'), factoryTimeout: { hard: '5s' } });
    expect(await get(7)).toBe('v1:7');
    expect(await get(7)).toBe('v1:7');
    expect(source.state.runs).toBe(1);
  });
});

describe('fail-safe without an L2: L1 keeps the entry through its stale window', () => {
  it('serves the expired L1 value when the function fails', async () => {
    frozenAtStart();
    const source = flakySource();
    const get = cache(source.load, { backend: null, ttl: 10, name: unique('l1only'), l1: { swr: false }, failSafe: { maxStaleSeconds: 30 } });
    await get(8);
    vi.setSystemTime(at(25));
    source.state.mode = 'throw';
    expect(await get(8)).toBe('v1:8');
    vi.setSystemTime(at(41)); // past its stale window: L1 let it go
    await expect(get(8)).rejects.toThrow('database down (8)');
  });
});

describe('ordinary caches are unchanged', () => {
  it('store the same bytes under the same key, with the plain TTL, as a cache built without these options', async () => {
    const backend = new RecordingBackend();
    const name = unique('plain');
    const fn = async (id: number) => ({ id });
    const plain = cache(fn, { backend, name, module: 'fail-safe-test', ttl: 10 });
    await plain(1);
    await plain.flush();
    const key = tenantScopedKey('default', functionKey({ module: 'fail-safe-test', name, args: [1] }));
    expect(backend.writes).toEqual([{ key, bytes: expect.any(Number), ttlSeconds: 10 }]);
    const framed = cache(fn, { backend, name, module: 'fail-safe-test', ttl: 10, failSafe: { maxStaleSeconds: 5 } });
    await framed(1);
    await framed.flush();
    expect(backend.writes).toHaveLength(2);
    expect(backend.writes[1]?.key).not.toBe(key);
    expect(backend.writes[1]?.ttlSeconds).toBe(15);
  });
});

describe('fail-safe and factory timeout options', () => {
  const fn = async () => 1;
  it('are validated with the fix in the message', () => {
    const build = (options: object) => () => cache(fn, { backend: null, name: unique('opt'), ...options });
    expect(build({ failSafe: {} })).toThrow(/failSafe.*needs `maxStaleSeconds`/);
    expect(build({ failSafe: { maxStaleSeconds: -1 } })).toThrow(/failSafe\.maxStaleSeconds/);
    expect(build({ failSafe: { maxStaleSeconds: 60, retry: 1 } })).toThrow(/failSafe\.retry/);
    expect(build({ ttl: 0, failSafe: { maxStaleSeconds: 60 } })).toThrow(/ttl: 0/);
    expect(build({ factoryTimeout: { soft: '10ms' } })).toThrow(/factoryTimeout\.soft.*needs `failSafe`/);
    expect(build({ failSafe: { maxStaleSeconds: 60 }, factoryTimeout: { soft: '2s', hard: '1s' } })).toThrow(/shorter than/);
    expect(build({ failSafe: { maxStaleSeconds: 60 }, refreshTtlOnGet: true })).toThrow(/refreshTtlOnGet.*failSafe/);
    expect(build({ failSafe: { maxStaleSeconds: 60 }, interop: 'op', namespace: 'ns' })).toThrow(/`failSafe` cannot be combined with `interop`/);
    for (const bad of [{ failSafe: true }, { factoryTimeout: 5 }, { factoryTimeout: { hard: 0 } }]) expect(build(bad)).toThrow(ConfigurationError);
  });

  it('are refused by cache.local, which keeps live values in this process only', () => {
    expect(() => cache.local(fn, { name: unique('local'), failSafe: { maxStaleSeconds: 1 } } as never)).toThrow(/cache\.local/);
  });
});
