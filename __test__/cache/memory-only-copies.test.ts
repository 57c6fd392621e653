/**
 * A memory-only miss keeps a copy of plain data instead of bytes (`l1/exact-copy.ts`); once the
 * copy of one of a function's values gave up (too many containers), the function's next 15
 * misses are serialized without trying, and the 16th tries again. Every value, hit or miss,
 * stays exactly what the function returned either way.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cache } from '../../src';
import { L1Tier } from '../../src/cache/l1-tier';

afterEach(() => vi.restoreAllMocks());

/** A record of `containers` nested objects. */
function nested(id: number, containers: number): Record<string, unknown> {
  let value: Record<string, unknown> = { id };
  for (let i = 1; i < containers; i++) value = { id, level: i, next: value };
  return value;
}

describe('memory-only misses and the exact copy', () => {
  it("skip the copy for 15 misses after a value's copy gave up, then try again; every value exact", async () => {
    const copies = vi.spyOn(L1Tier.prototype, 'putExactCopy');
    const sizes = new Map<number, number>();
    const load = cache(
      async function loadRecord(id: number) {
        return nested(id, sizes.get(id) ?? 2);
      },
      { backend: null },
    );
    // A small value is copied.
    expect(await load(0)).toEqual(nested(0, 2));
    expect(copies).toHaveBeenCalledTimes(1);
    // A value of 20 containers: the copy gives up (more than 8), the value is serialized.
    sizes.set(1, 20);
    expect(await load(1)).toEqual(nested(1, 20));
    expect(copies).toHaveBeenCalledTimes(1);
    // The next 15 misses (small values) are serialized without trying the copy.
    for (let id = 2; id <= 16; id++) expect(await load(id)).toEqual(nested(id, 2));
    expect(copies).toHaveBeenCalledTimes(1);
    // The 16th tries again, and copies.
    expect(await load(17)).toEqual(nested(17, 2));
    expect(copies).toHaveBeenCalledTimes(2);
    // Hits of every entry, copied or serialized, are exact.
    for (let id = 0; id <= 17; id++) expect(await load(id)).toEqual(nested(id, sizes.get(id) ?? 2));
  });
});
