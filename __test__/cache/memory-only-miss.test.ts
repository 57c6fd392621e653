/**
 * A memory-only cache (`backend: null`) keeps a miss's plain data as a copy instead of bytes
 * (`l1/exact-copy.ts`). Callers must not be able to tell: the entry is the value as it was
 * when the function returned, hits and joiners get their own copies, and values that are not
 * plain data read back exactly as the serializer makes them.
 */
import { describe, expect, it } from 'vitest';
import { cache } from '../../src';
import { recordingLogger } from '../support/recording-logger';

let counter = 0;
const unique = (label: string) => `${label}_${process.pid}_${++counter}`;

describe('memory-only miss', () => {
  it("keeps the value as it was when the function returned: later changes to the function's object do not reach the cache", async () => {
    const shared = { id: 1, tags: ['a'] };
    const get = cache(async () => shared, { backend: null, name: unique('snapshot') });
    expect(await get()).toBe(shared); // the caller of a miss gets the function's own value
    shared.tags.push('changed');
    shared.id = 2;
    expect(await get()).toEqual({ id: 1, tags: ['a'] });
    expect(get.cacheInfo()).toMatchObject({ misses: 1, l1Hits: 1 });
  });

  it('gives each call that joined the miss its own copy', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const get = cache(async () => {
      await gate;
      return { list: [1, 2] };
    }, { backend: null, name: unique('joiners') });
    const calls = [get(), get(), get()];
    release();
    const [first, second, third] = await Promise.all(calls);
    expect(second).toEqual({ list: [1, 2] });
    expect(second).not.toBe(first);
    expect(third).not.toBe(second);
    expect(second?.list).not.toBe(third?.list);
    expect(get.getHealthStatus().counters.coalesced).toBe(2);
  });

  it('reads back what the serializer makes of values that are not plain data', async () => {
    const when = new Date('2026-01-02T03:04:05.678Z');
    const get = cache(async () => ({ when, gone: undefined as unknown }), { backend: null, name: unique('rich') });
    await get();
    const hit = await get();
    expect(hit.when).toBeInstanceOf(Date);
    expect(hit.when).not.toBe(when);
    expect(hit.when.getTime()).toBe(when.getTime());
    expect(hit.gone).toBeNull();
  });

  it('returns a value whose getter throws uncached and counts it, as before', async () => {
    let runs = 0;
    const logger = recordingLogger();
    const get = cache(async () => {
      runs++;
      return {
        get broken(): number {
          throw new Error('getter');
        },
      };
    }, { backend: null, name: unique('getter'), logger });
    await get();
    await get();
    expect(runs).toBe(2);
    expect(get.getHealthStatus().counters.encodeErrors).toBe(2);
    expect(logger.records.some((record) => record.message.includes('could not be serialized'))).toBe(true);
  });

  it("hands the frozen mode's hits the one frozen copy, leaving the function's object unfrozen", async () => {
    const own = { id: 1, inner: { n: 1 } };
    const get = cache(async () => own, { backend: null, name: unique('frozen'), l1: { mode: 'frozen' } });
    expect(await get()).toBe(own);
    const first = await get();
    expect(await get()).toBe(first);
    expect(Object.isFrozen(first.inner)).toBe(true);
    expect(Object.isFrozen(own) || Object.isFrozen(own.inner)).toBe(false);
  });
});
