import { describe, expect, it } from 'vitest';
import { L1Cache, L1_ENTRY_OVERHEAD_BYTES } from '../../src/l1/l1-cache';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const entryBytes = (key: string, valueBytes: number) => valueBytes + key.length * 2 + L1_ENTRY_OVERHEAD_BYTES;

describe('L1Cache', () => {
  it('returns what was stored until the TTL runs out, then nothing', () => {
    const c = clock();
    const l1 = new L1Cache({ maxBytes: 1 << 20, sweepIntervalMs: 0, now: c.now });
    l1.set('k', 'v', 1, 5_000, 1);
    expect(l1.get('k')?.value).toBe('v');
    c.advance(4_999);
    expect(l1.get('k')?.value).toBe('v');
    c.advance(1);
    expect(l1.get('k')).toBeUndefined();
    expect(l1.stats().expirations).toBe(1);
    expect(l1.size).toBe(0);
  });

  it('does not store an entry whose TTL has already run out', () => {
    const l1 = new L1Cache({ maxBytes: 1 << 20, sweepIntervalMs: 0 });
    expect(l1.set('k', 'v', 1, 0, 1)).toBeUndefined();
    expect(l1.set('k', 'v', 1, -5, 1)).toBeUndefined();
    expect(l1.get('k')).toBeUndefined();
  });

  it('evicts the least recently used entries to stay within the byte budget', () => {
    const budget = entryBytes('a', 100) * 3;
    const l1 = new L1Cache({ maxBytes: budget, sweepIntervalMs: 0 });
    l1.set('a', 'A', 100, 60_000, 1);
    l1.set('b', 'B', 100, 60_000, 1);
    l1.set('c', 'C', 100, 60_000, 1);
    expect(l1.get('a')?.value).toBe('A'); // a is now the most recent
    l1.set('d', 'D', 100, 60_000, 1); // evicts b, the least recent
    expect(l1.get('b')).toBeUndefined();
    expect(l1.get('a')?.value).toBe('A');
    expect(l1.get('c')?.value).toBe('C');
    expect(l1.get('d')?.value).toBe('D');
    expect(l1.currentBytes).toBeLessThanOrEqual(budget);
    expect(l1.stats().evictions).toBe(1);
  });

  it('honours the entry cap', () => {
    const l1 = new L1Cache({ maxBytes: 1 << 30, maxEntries: 2, sweepIntervalMs: 0 });
    l1.set('a', 1, 1, 60_000, 1);
    l1.set('b', 2, 1, 60_000, 1);
    l1.set('c', 3, 1, 60_000, 1);
    expect(l1.size).toBe(2);
    expect(l1.get('a')).toBeUndefined();
  });

  it('refuses a value larger than the whole budget, counts it, and drops the older value of that key', () => {
    const l1 = new L1Cache({ maxBytes: 1_000, sweepIntervalMs: 0 });
    l1.set('k', 'small', 10, 60_000, 1);
    expect(l1.set('k', 'huge', 5_000, 60_000, 1)).toBeUndefined();
    expect(l1.get('k')).toBeUndefined();
    expect(l1.stats().rejectedTooLarge).toBe(1);
    expect(l1.currentBytes).toBe(0);
  });

  it('replacing a key charges only the new size', () => {
    const l1 = new L1Cache({ maxBytes: 1 << 20, sweepIntervalMs: 0 });
    l1.set('k', 'a', 100, 60_000, 1);
    l1.set('k', 'b', 300, 60_000, 1);
    expect(l1.currentBytes).toBe(entryBytes('k', 300));
    expect(l1.get('k')?.value).toBe('b');
  });

  it('replacing a key with a TTL that has run out drops the older value and its bytes', () => {
    const l1 = new L1Cache({ maxBytes: 1 << 20, sweepIntervalMs: 0 });
    l1.set('k', 'a', 100, 60_000, 1);
    expect(l1.set('k', 'b', 100, 0, 1)).toBeUndefined();
    expect(l1.get('k')).toBeUndefined();
    expect(l1.size).toBe(0);
    expect(l1.currentBytes).toBe(0);
    expect(l1.countOf(1)).toBe(0);
  });

  it('a replaced key becomes the most recent, so the next eviction takes another', () => {
    const l1 = new L1Cache({ maxBytes: 1 << 30, maxEntries: 3, sweepIntervalMs: 0 });
    for (const k of ['a', 'b', 'c']) l1.set(k, k, 1, 60_000, 1);
    l1.set('a', 'A', 1, 60_000, 1); // b is now the least recent
    l1.set('d', 'd', 1, 60_000, 1);
    expect(l1.get('b')).toBeUndefined();
    expect(l1.get('a')?.value).toBe('A');
    expect(l1.size).toBe(3);
  });

  it('replaceValue swaps a stored value in place, recharging its bytes and keeping its generation', () => {
    const l1 = new L1Cache({ maxBytes: 1 << 20, sweepIntervalMs: 0 });
    const entry = l1.set('k', 'bytes', 100, 60_000, 1)!;
    const generation = entry.generation;
    l1.replaceValue(entry, 'decoded', 400);
    expect(l1.peek('k')).toBe(entry);
    expect(entry.value).toBe('decoded');
    expect(entry.generation).toBe(generation);
    expect(l1.currentBytes).toBe(entryBytes('k', 400));
    // An entry that is no longer stored is left alone.
    l1.delete('k');
    l1.replaceValue(entry, 'late', 50);
    expect(entry.value).toBe('decoded');
    expect(l1.currentBytes).toBe(0);
  });

  it('replaceValue evicts older entries when the new size does not fit', () => {
    const budget = entryBytes('a', 100) * 2;
    const l1 = new L1Cache({ maxBytes: budget, sweepIntervalMs: 0 });
    l1.set('a', 'A', 100, 60_000, 1);
    const b = l1.set('b', 'B', 100, 60_000, 1)!;
    l1.replaceValue(b, 'bigger', 150);
    expect(l1.get('a')).toBeUndefined();
    expect(l1.get('b')?.value).toBe('bigger');
    expect(l1.currentBytes).toBeLessThanOrEqual(budget);
  });

  it('gives every write a new generation so refreshes can detect replacement', () => {
    const l1 = new L1Cache({ maxBytes: 1 << 20, sweepIntervalMs: 0 });
    const first = l1.set('k', 'a', 1, 60_000, 1);
    const second = l1.set('k', 'b', 1, 60_000, 1);
    expect(second!.generation).toBeGreaterThan(first!.generation);
    expect(l1.peek('k')).toBe(second);
  });

  it('deleteOwner removes exactly the entries of one owner', () => {
    const l1 = new L1Cache({ maxBytes: 1 << 20, sweepIntervalMs: 0 });
    for (let i = 0; i < 10; i++) l1.set(`one:${i}`, i, 1, 60_000, 1);
    for (let i = 0; i < 5; i++) l1.set(`two:${i}`, i, 1, 60_000, 2);
    expect(l1.deleteOwner(1)).toBe(10);
    expect(l1.size).toBe(5);
    expect(l1.get('two:3')?.value).toBe(3);
    expect(l1.get('one:3')).toBeUndefined();
  });

  it('sweeps expired entries in bounded slices', () => {
    const c = clock();
    const l1 = new L1Cache({ maxBytes: 1 << 30, sweepIntervalMs: 0, now: c.now });
    for (let i = 0; i < 250; i++) l1.set(`short:${i}`, i, 1, 1_000, 1);
    for (let i = 0; i < 50; i++) l1.set(`long:${i}`, i, 1, 60_000, 1);
    c.advance(2_000);
    expect(l1.sweepSlice(100)).toBe(100);
    let removed = 100;
    for (let pass = 0; pass < 5; pass++) removed += l1.sweepSlice(100);
    expect(removed).toBe(250);
    expect(l1.size).toBe(50);
  });

  it('keeps 1,000,000 distinct keys within its byte budget', () => {
    const budget = 8 * 1024 * 1024;
    const l1 = new L1Cache({ maxBytes: budget, sweepIntervalMs: 0 });
    const value = Buffer.alloc(64);
    let maxSeen = 0;
    for (let i = 0; i < 1_000_000; i++) {
      l1.set(`key:${i}`, value, value.length, 60_000, 1);
      if (l1.currentBytes > maxSeen) maxSeen = l1.currentBytes;
    }
    expect(maxSeen).toBeLessThanOrEqual(budget);
    expect(l1.size).toBeGreaterThan(10_000);
    expect(l1.size).toBeLessThan(1_000_000);
    expect(l1.get('key:999999')).toBeDefined();
    expect(l1.get('key:0')).toBeUndefined();
  });
});

describe('L1Cache owner counts', () => {
  it('tracks how many live entries each owner holds through sets, replacements, evictions and deletes', () => {
    const l1 = new L1Cache({ maxBytes: 1 << 20, maxEntries: 4, sweepIntervalMs: 0 });
    l1.set('a', 1, 1, 60_000, 1);
    l1.set('a', 2, 1, 60_000, 1);
    l1.set('b', 1, 1, 60_000, 2);
    expect(l1.countOf(1)).toBe(1);
    expect(l1.countOf(2)).toBe(1);
    for (let i = 0; i < 4; i++) l1.set(`c${i}`, i, 1, 60_000, 3);
    expect(l1.countOf(1) + l1.countOf(2) + l1.countOf(3)).toBe(4);
    expect(l1.countOf(3)).toBe(4);
    l1.delete('c0');
    expect(l1.countOf(3)).toBe(3);
  });
});
