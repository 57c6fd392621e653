/**
 * `exactCopyOfRecord`: a record whose shape (key count, first and last key) gave up on the
 * exact copy lately is not tried again, but one in 16 is, and a success forgets the shape; a
 * copy it does return is `exactStandardCopy`'s.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { exactStandardCopy } from '../../src/l1/exact-copy';
import { exactCopyOfRecord } from '../../src/l1/given-up-shapes';

const INFINITE = Number.POSITIVE_INFINITY;
/** A record of one shape (`id`, `when`, `tail`) that the copy refuses (a Date) or takes (a string). */
const record = (id: number, copyable: boolean) => ({ id, when: copyable ? 'today' : new Date(0), tail: true });

describe('exactCopyOfRecord', () => {
  it('skips records of a shape that gave up, retrying one in 16, and forgets the shape once a copy succeeds', () => {
    expect(exactCopyOfRecord(record(0, false), false, INFINITE)).toBeUndefined();
    // Copyable records of the remembered shape: skipped until the 16th, which is tried and copied.
    const attempts = Array.from({ length: 16 }, (_, i) => exactCopyOfRecord(record(i + 1, true), false, INFINITE));
    expect(attempts.slice(0, 15).every((copy) => copy === undefined)).toBe(true);
    expect(attempts[15]?.value).toEqual(record(16, true));
    // Forgotten: the next one is copied at once.
    expect(exactCopyOfRecord(record(17, true), false, INFINITE)?.value).toEqual(record(17, true));
  });

  it('keeps shapes apart: another shape is still copied', () => {
    expect(exactCopyOfRecord({ a: 1, b: new Date(0) }, false, INFINITE)).toBeUndefined();
    expect(exactCopyOfRecord({ a: 1, c: 2 }, false, INFINITE)?.value).toEqual({ a: 1, c: 2 });
    expect(exactCopyOfRecord({ a: 1, x: 0, b: 2 }, false, INFINITE)?.value).toEqual({ a: 1, x: 0, b: 2 });
  });

  it('returns exactly what exactStandardCopy returns when it copies, arrays and scalars included', () => {
    const values: unknown[] = [{ n: 1, list: [1, 'a', { x: null }] }, [{ a: 1 }, 2], 'text', 42, { empty: {} }, {}];
    for (const value of values) {
      const expected = exactStandardCopy(value, true, INFINITE);
      const actual = exactCopyOfRecord(value, true, INFINITE);
      expect(isDeepStrictEqual(actual, expected)).toBe(true);
    }
  });

  it('reads no getter to learn a shape: a record with a getter is read once per copy', () => {
    let reads = 0;
    const withGetter = {
      id: 1,
      get when() {
        reads++;
        return 'now';
      },
    };
    expect(exactCopyOfRecord(withGetter, false, INFINITE)?.value).toEqual({ id: 1, when: 'now' });
    expect(reads).toBe(1);
  });
});
