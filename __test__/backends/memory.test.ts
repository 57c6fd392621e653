import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendError, ConfigurationError } from '../../src/errors';
import { runBackendConformance } from '../../src/backends/conformance';
import { MemoryBackend } from '../../src/backends/memory';

runBackendConformance('memory', () => new MemoryBackend(), { describe, it, beforeAll, afterAll }, {
  capabilities: { ttl: true, locks: true, batch: true, clearPrefix: true },
});

/** A backend capped at three entries, holding a, b and c written in that order. */
async function fullBackendOfABC(): Promise<MemoryBackend> {
  const backend = new MemoryBackend({ maxEntries: 3 });
  for (const k of ['a', 'b', 'c']) await backend.set(k, Buffer.from(k));
  return backend;
}

/** Writes d into a full backend whose oldest entry is b: b goes, a (holding `aValue`) stays. */
async function expectWritingDEvictsB(backend: MemoryBackend, aValue: Buffer): Promise<void> {
  await backend.set('d', Buffer.from('d'));
  expect(await backend.get('b')).toBeNull();
  expect(await backend.get('a')).toEqual(aValue);
  expect(backend.size).toBe(3);
}

describe('MemoryBackend', () => {
  it('copies values in: mutating the input Buffer right after set (before awaiting) changes nothing', async () => {
    const backend = new MemoryBackend();
    const input = Buffer.from('original');
    const pending = backend.set('k', input);
    input.fill(0);
    await pending;
    expect(await backend.get('k')).toEqual(Buffer.from('original'));
  });

  it('evicts the least recently used entry when the entry cap is reached', async () => {
    const backend = await fullBackendOfABC();
    await backend.get('a'); // a becomes most recently used; b is now the oldest
    await expectWritingDEvictsB(backend, Buffer.from('a'));
  });

  it('overwriting a key marks it most recent and charges only the new value', async () => {
    const backend = await fullBackendOfABC();
    const before = backend.bytes;
    await backend.set('a', Buffer.from('aa')); // a rewritten: now b is the oldest
    expect(backend.bytes).toBe(before + 1);
    await expectWritingDEvictsB(backend, Buffer.from('aa'));
  });

  it('keeps LRU order through many reads of one hot key among many entries', async () => {
    const backend = new MemoryBackend({ maxEntries: 1000 });
    for (let i = 0; i < 1000; i++) await backend.set(`k${i}`, Buffer.from(String(i)));
    for (let i = 0; i < 5000; i++) await backend.get('k0');
    await backend.set('new', Buffer.from('n'));
    expect(await backend.get('k0')).toEqual(Buffer.from('0'));
    expect(await backend.exists('k1')).toBe(false); // the least recently used one went
    expect(await backend.exists('k2')).toBe(true);
    expect(backend.size).toBe(1000);
  });

  it('evicts least recently used entries until the byte budget holds', async () => {
    const backend = new MemoryBackend({ maxSizeBytes: 1000, maxValueBytes: 400 });
    await backend.set('a', Buffer.alloc(400));
    await backend.set('b', Buffer.alloc(400));
    await backend.set('c', Buffer.alloc(400));
    expect(await backend.exists('a')).toBe(false);
    expect(await backend.exists('b')).toBe(true);
    expect(await backend.exists('c')).toBe(true);
    expect(backend.bytes).toBeLessThanOrEqual(1000);
  });

  it('rejects a value above maxValueBytes as permanent and keeps the old value', async () => {
    const backend = new MemoryBackend({ maxSizeBytes: 1000, maxValueBytes: 100 });
    await backend.set('k', Buffer.from('old'));
    const err = await backend.set('k', Buffer.alloc(101)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as BackendError).kind).toBe('permanent');
    expect(await backend.get('k')).toEqual(Buffer.from('old'));
  });

  it('expires entries by its injected clock', async () => {
    let now = 1_000_000;
    const backend = new MemoryBackend({ clock: () => now });
    await backend.set('k', Buffer.from('v'), 5);
    now += 4_999;
    expect(await backend.get('k')).toEqual(Buffer.from('v'));
    expect(await backend.getTtl('k')).toBe(1);
    now += 1;
    expect(await backend.get('k')).toBeNull();
    expect(backend.size).toBe(0);
  });

  it('names the option, the value and the fix in configuration errors', () => {
    expect(() => new MemoryBackend({ maxEntries: 0 })).toThrow(ConfigurationError);
    expect(() => new MemoryBackend({ maxEntries: 0 })).toThrow(/maxEntries.*0.*Fix/);
    expect(() => new MemoryBackend({ maxSizeBytes: 10, maxValueBytes: 20 })).toThrow(/maxValueBytes.*20.*maxSizeBytes/);
  });
});
