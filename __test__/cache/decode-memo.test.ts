import { describe, expect, it } from 'vitest';
import { cache } from '../../src/cache';
import { MemoryBackend } from '../../src/backends/memory';
import { DecodeMemo } from '../../src/cache/decode-memo';
import { ConfigurationError } from '../../src/errors';
import { functionKey, tenantScopedKey } from '../../src/keys';

let counter = 0;
const unique = (label: string) => `${label}_${process.pid}_${++counter}`;
const KEY_A = 'a1'.repeat(32);

function silentLogger() {
  const ignore = () => undefined;
  return { trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore };
}

const bytes = (text: string) => Buffer.from(text);
const limits = { maxEntries: 8, maxBytes: 64 * 1024 };

describe('DecodeMemo', () => {
  it('answers nothing after one read and a fresh copy from the second read with the same bytes on', () => {
    const memo = new DecodeMemo(limits);
    const first = { list: [1, 2] };
    expect(memo.remember('k', bytes('A'), bytes('a'), first)).toBe(first);
    expect(memo.answer('k', bytes('A'))).toBeUndefined();

    const second = { list: [1, 2] };
    const handedOut = memo.remember('k', bytes('A'), bytes('a'), second);
    expect(handedOut).toEqual(second);
    expect(handedOut).not.toBe(second); // the decoded value became the template

    const third = memo.answer('k', bytes('A'));
    const fourth = memo.answer('k', bytes('A'));
    expect(third?.value).toEqual({ list: [1, 2] });
    expect(third?.serialized).toEqual(bytes('a'));
    (third?.value as { list: number[] }).list.push(99);
    expect(fourth?.value).toEqual({ list: [1, 2] });
    expect(fourth?.value).not.toBe(third?.value);
  });

  it('holds no bytes for a key read once', () => {
    const memo = new DecodeMemo(limits);
    memo.remember('k', bytes('AAAA'), bytes('a'), { v: 1 });
    expect(memo.size).toBe(1);
    expect(memo.heldBytes).toBe(0);
  });

  it('never answers for bytes that differ from the ones it decoded, and starts over with them', () => {
    const memo = new DecodeMemo(limits);
    memo.remember('k', bytes('A'), bytes('a'), { v: 'a' });
    memo.remember('k', bytes('A'), bytes('a'), { v: 'a' });
    expect(memo.answer('k', bytes('B'))).toBeUndefined();
    expect(memo.answer('other', bytes('A'))).toBeUndefined();

    memo.remember('k', bytes('B'), bytes('b'), { v: 'b' });
    expect(memo.answer('k', bytes('A'))).toBeUndefined();
    expect(memo.answer('k', bytes('B'))).toBeUndefined(); // seen once again: not memoised yet
    memo.remember('k', bytes('B'), bytes('b'), { v: 'b' });
    expect(memo.answer('k', bytes('B'))?.value).toEqual({ v: 'b' });
    expect(memo.size).toBe(1);
  });

  it('keeps its own copy of the stored bytes, so a reused reply buffer cannot change what it compares', () => {
    const memo = new DecodeMemo(limits);
    const reply = bytes('AAAA');
    memo.remember('k', reply, bytes('a'), { v: 1 });
    memo.remember('k', reply, bytes('a'), { v: 1 });
    reply.write('BBBB');
    expect(memo.answer('k', reply)).toBeUndefined();
    expect(memo.answer('k', bytes('AAAA'))?.value).toEqual({ v: 1 });
  });

  it('does not memoise values the copier does not know', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const memo = new DecodeMemo(limits);
    memo.remember('k', bytes('P'), bytes('p'), new Point(1));
    const second = new Point(1);
    expect(memo.remember('k', bytes('P'), bytes('p'), second)).toBe(second);
    expect(memo.answer('k', bytes('P'))).toBeUndefined();
    const third = new Point(1);
    expect(memo.remember('k', bytes('P'), bytes('p'), third)).toBe(third);
    expect(memo.answer('k', bytes('P'))).toBeUndefined();
  });

  it('does not memoise a value whose decoded size is out of proportion to the budget', () => {
    const memo = new DecodeMemo(limits); // 64 KiB: an entry may take at most 4 KiB
    const huge = () => ({ numbers: Array.from({ length: 5000 }, (_, i) => i) });
    memo.remember('k', bytes('H'), bytes('h'), huge());
    const second = huge();
    expect(memo.remember('k', bytes('H'), bytes('h'), second)).toBe(second);
    expect(memo.answer('k', bytes('H'))).toBeUndefined();
    expect(memo.heldBytes).toBe(0);
  });

  it('stays within its entry and byte bounds, dropping the oldest keys first', () => {
    const memo = new DecodeMemo({ maxEntries: 3, maxBytes: 64 * 1024 });
    for (const key of ['a', 'b', 'c', 'd']) memo.remember(key, bytes(key), bytes(key), { key });
    expect(memo.size).toBe(3);
    memo.remember('a', bytes('a'), bytes('a'), { key: 'a' }); // 'a' was dropped: a first read again
    expect(memo.answer('a', bytes('a'))).toBeUndefined();

    const small = new DecodeMemo({ maxEntries: 100, maxBytes: 64 * 1024 });
    const big = Buffer.alloc(1000, 1); // 1/64 of 64 KiB is the largest memoised entry
    for (let i = 0; i < 100; i++) {
      small.remember(`k${i}`, big, big, { i });
      small.remember(`k${i}`, big, big, { i });
    }
    expect(small.heldBytes).toBeLessThanOrEqual(64 * 1024);
    expect(small.heldBytes).toBeGreaterThan(60 * 1024);
    expect(small.size).toBeLessThan(100);
    expect(small.answer('k99', big)?.value).toEqual({ i: 99 });
    expect(small.answer('k0', big)).toBeUndefined();

    const tooLarge = Buffer.alloc(2000, 1);
    small.remember('large', tooLarge, tooLarge, { large: true });
    small.remember('large', tooLarge, tooLarge, { large: true });
    expect(small.answer('large', tooLarge)).toBeUndefined();
  });

  it('forgets a key and clears everything on request', () => {
    const memo = new DecodeMemo(limits);
    for (const key of ['a', 'b']) {
      memo.remember(key, bytes(key), bytes(key), { key });
      memo.remember(key, bytes(key), bytes(key), { key });
    }
    memo.forget('a');
    expect(memo.answer('a', bytes('a'))).toBeUndefined();
    expect(memo.answer('b', bytes('b'))?.value).toEqual({ key: 'b' });
    memo.clear();
    expect(memo.answer('b', bytes('b'))).toBeUndefined();
    expect(memo.heldBytes).toBe(0);
  });
});

describe('cache(fn) without L1: the decode memo', () => {
  it('answers repeated L2 hits from the memo with fresh copies, still counted as L2 hits', async () => {
    const backend = new MemoryBackend();
    let runs = 0;
    const get = cache(async (id: number) => ({ id, tags: ['a', 'b'], run: ++runs }), { backend, l1: false, name: unique('memo') });
    await get(1);
    await get.flush();
    const reads = [await get(1), await get(1), await get(1), await get(1)];
    expect(runs).toBe(1);
    for (const read of reads) expect(read).toEqual({ id: 1, tags: ['a', 'b'], run: 1 });
    reads[2]!.tags.push('mutated');
    expect(await get(1)).toEqual({ id: 1, tags: ['a', 'b'], run: 1 });
    expect(new Set(reads).size).toBe(reads.length);
    // Read 1 records the bytes, read 2 memoises them, reads 3, 4 and 5 are answered by the memo.
    expect(get.getHealthStatus().counters.decodeMemoHits).toBe(3);
    expect(get.cacheInfo()).toMatchObject({ l2Hits: 5, misses: 1 });
  });

  it('returns the new value as soon as L2 holds other bytes for the key (never stale)', async () => {
    const backend = new MemoryBackend();
    let version = 1;
    const get = cache(async () => ({ version }), { backend, l1: false, name: unique('fresh') });
    await get();
    await get.flush();
    await get();
    await get();
    expect(await get()).toEqual({ version: 1 });
    await get.invalidate();
    version = 2;
    expect(await get()).toEqual({ version: 2 });
    await get.flush();
    expect(await get()).toEqual({ version: 2 });
  });

  it('gives tampered bytes the full integrity check: a counted miss, never the memoised value', async () => {
    const backend = new MemoryBackend();
    const name = unique('tamper');
    let runs = 0;
    const get = cache(async (n: number) => ({ n, run: ++runs }), { backend, l1: false, name, module: 'memo', logger: silentLogger() });
    await get(1);
    await get.flush();
    await get(1);
    await get(1);
    const key = tenantScopedKey('default', functionKey({ module: 'memo', name, args: [1] }));
    const stored = (await backend.get(key))!;
    const tampered = Buffer.from(stored);
    tampered[tampered.length - 1] = tampered.at(-1)! ^ 0x01;
    await backend.set(key, tampered);
    expect(await get(1)).toEqual({ n: 1, run: 2 });
    expect(get.getHealthStatus().counters.integrityErrors).toBe(1);
  });

  it('is off with L1 on, for encrypted caches and with decodeMemo: false', async () => {
    const backend = new MemoryBackend();
    const withL1 = cache(async () => ({ v: 1 }), { backend, name: unique('l1on') });
    const secure = cache.secure(async () => ({ v: 1 }), {
      backend,
      l1: false,
      tenant: 'single',
      encryption: { masterKey: KEY_A },
      name: unique('secure'),
    });
    const disabled = cache(async () => ({ v: 1 }), { backend, l1: false, decodeMemo: false, name: unique('off') });
    for (const get of [withL1, secure, disabled]) {
      await get();
      await get.flush();
      for (let i = 0; i < 4; i++) expect(await get()).toEqual({ v: 1 });
      expect(get.getHealthStatus().counters.decodeMemoHits).toBe(0);
    }
    expect(secure.cacheInfo().l2Hits).toBe(4);
    expect(disabled.cacheInfo().l2Hits).toBe(4);
  });

  it('rejects malformed decodeMemo options, naming the option and the fix', () => {
    const make = (decodeMemo: unknown) => () =>
      cache(async () => 1, { backend: null, name: unique('bad'), decodeMemo: decodeMemo as boolean });
    expect(make('yes')).toThrow(ConfigurationError);
    expect(make('yes')).toThrow(/`decodeMemo` must be true, false or \{ maxEntries, maxBytes \}; got/);
    expect(make({ maxEntries: 0 })).toThrow(/`decodeMemo.maxEntries` must be an integer in \[1, ∞\]; got 0/);
    expect(make({ maxBytes: 10 })).toThrow(/`decodeMemo.maxBytes` must be an integer in \[1024, ∞\]/);
    expect(make({ maxEntry: 3 })).toThrow(/Unknown option `decodeMemo.maxEntry`. Did you mean `maxEntries`\?/);
    expect(make({ maxEntries: 10, maxBytes: 1 << 20 })).not.toThrow();
  });
});
