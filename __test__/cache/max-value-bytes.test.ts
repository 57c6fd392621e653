/**
 * `maxValueBytes` on both sides of the store. Writing: a result over the limit is returned but
 * not cached, and the MessagePack serializers stop writing it once the limit is passed instead of
 * serializing it whole first. Reading: an entry whose payload is over the limit — one this cache
 * could never have written — is a miss (counted, deleted), not a value.
 */
import { describe, expect, it } from 'vitest';
import { MemoryBackend } from '../../src/backends/memory';
import { cache } from '../../src/cache';
import type { SerializerName } from '../../src/codec/serializers/serializer';

let counter = 0;
const unique = (label: string) => `${label}_${++counter}`;
const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** `count` records whose `body` getter (1000 bytes) counts how often the serializer read it. */
function countedRecords(count: number): { records: object[]; reads: () => number } {
  let reads = 0;
  const records = Array.from({ length: count }, () => ({
    get body() {
      reads++;
      return 'x'.repeat(1000);
    },
  }));
  return { records, reads: () => reads };
}

describe('maxValueBytes when writing', () => {
  it.each<SerializerName>(['standard', 'auto'])(
    '%s: a result 100 times over the limit is returned uncached, and writing stops about the limit',
    async (serializer) => {
      const maxValueBytes = 100_000;
      const { records, reads } = countedRecords(10_000);
      const backend = new MemoryBackend();
      const f = cache(async () => records, { backend, l1: false, serializer, maxValueBytes, name: unique('big'), logger: silent });
      expect(await f()).toBe(records);
      await f.flush();
      // Each record is ~1010 bytes: the limit is passed at about the hundredth, not the 10 000th.
      expect(reads()).toBeLessThanOrEqual(Math.ceil(maxValueBytes / 1000) + 1);
      expect(f.getHealthStatus().counters.oversizeValues).toBe(1);
      expect(f.getHealthStatus().counters.encodeErrors).toBe(0);
      expect(backend.size).toBe(0);
    },
  );

  it('json: a result over the limit is still returned uncached and counted as oversize', async () => {
    const backend = new MemoryBackend();
    const f = cache(async () => 'y'.repeat(5000), { backend, l1: false, serializer: 'json', maxValueBytes: 1000, name: unique('json'), logger: silent });
    expect((await f()).length).toBe(5000);
    await f.flush();
    expect(f.getHealthStatus().counters.oversizeValues).toBe(1);
    expect(backend.size).toBe(0);
  });
});

describe('maxValueBytes when reading', () => {
  const value = { text: 'z'.repeat(4000) };

  it.each([
    ['the integrity envelope', { integrity: true }],
    ['plain serializer bytes (integrity off)', { integrity: false }],
    ['an interop entry', { interop: 'limit_check', namespace: 'limits' }],
  ])('an entry larger than the reader allows is a miss, counted and deleted: %s', async (_label, options) => {
    const backend = new MemoryBackend();
    const name = unique('reader');
    let runs = 0;
    // Both "deployments" wrap one function: one function per cache identity in a process.
    const compute = async () => (++runs, value);
    const make = (maxValueBytes: number) => cache(compute, { backend, l1: false, name, module: 'limits', maxValueBytes, logger: silent, ...options });
    // A writer with a larger limit (another deployment) stores the entry...
    const writer = make(1_000_000);
    await writer();
    await writer.flush();
    expect(backend.size).toBe(1);
    // ...which a reader limited to 1000 bytes never takes for a value.
    const reader = make(1000);
    expect(await reader()).toEqual(value);
    await reader.flush();
    expect(runs).toBe(2);
    expect(reader.getHealthStatus().counters.integrityErrors).toBe(1);
    expect(backend.size).toBe(0);
  });
});
