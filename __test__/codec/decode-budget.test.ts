/**
 * The decode budget: a MessagePack document whose decoded heap would be out of proportion to
 * its length (mostly empty maps, empty binaries, ...) is refused by the pre-scan before any
 * value is built; ordinary data of any size is not. Writers refuse what readers would, and an
 * `auto` BigInt is capped in digits (parsing decimal text is superlinear).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeBoundsError, checkDecodeBounds } from '../../src/codec/msgpack/bounds';
import {
  DECODE_BUDGET_FLOOR,
  DECODE_COST_PER_BYTE,
  MAX_BIGINT_DIGITS,
  MAX_COST_PER_INPUT_BYTE,
  autoExtensionCost,
  decodeBudget,
} from '../../src/codec/msgpack/decode-cost';
import { MAX_DECODE_DEPTH } from '../../src/codec/msgpack/bounds';
import { autoSerializer, standardSerializer } from '../../src/codec/serializers/msgpack-serializers';
import { IntegrityError, SerializationError } from '../../src/errors';
import { thrown } from '../support/thrown';
import { autoValue, standardValue } from './arbitraries';

/** An array32 of `count` copies of `item` (raw MessagePack). */
function arrayOf(count: number, item: string): Buffer {
  const head = Buffer.from([0xdd, 0, 0, 0, 0]);
  head.writeUInt32BE(count, 1);
  return Buffer.concat([head, Buffer.from(item.repeat(count), 'hex')]);
}

/** More elements than the floor lets through at `bytesPerItem` heap each. */
const pastTheFloor = (bytesPerItem: number) => Math.ceil(DECODE_BUDGET_FLOOR / bytesPerItem) * 2;

describe('decode budget', () => {
  it.each([
    ['empty maps', '80', 64],
    ['empty arrays', '90', 40],
    ['empty bins', 'c400', 200],
    ['one-byte exts', 'd40500', 200],
  ])('refuses a document of %s before building it (IntegrityError, violation "budget")', (_shape, item, heapPerItem) => {
    const bytes = arrayOf(pastTheFloor(heapPerItem), item);
    const error = thrown(() => standardSerializer.deserialize(bytes));
    expect(error).toBeInstanceOf(DecodeBoundsError);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as DecodeBoundsError).violation).toBe('budget');
    expect((error as Error).message).toMatch(/heap/);
  });

  it('refuses empty auto Maps, Sets and typed arrays past the floor', () => {
    for (const value of [new Map(), new Set(), new Uint8Array(0)]) {
      const item = Buffer.from(autoSerializer.serialize(value)).toString('hex');
      const error = thrown(() => autoSerializer.deserialize(arrayOf(pastTheFloor(192), item)));
      expect((error as DecodeBoundsError).violation).toBe('budget');
    }
  });

  it('accepts ordinary data well past the floor: records, tuples, one-element arrays, numbers, text', () => {
    const n = pastTheFloor(32);
    const values: unknown[] = [
      Array.from({ length: n }, (_, i) => ({ id: i % 100 })),
      Array.from({ length: n }, (_, i) => [i % 100, 1]),
      Array.from({ length: n }, (_, i) => [i % 100]),
      Array.from({ length: n }, (_, i) => i % 100),
      Array.from({ length: n / 8 }, (_, i) => ({ id: i, name: `user-${i}`, active: i % 2 === 0, score: i / 7, tags: ['a', 'b'] })),
      'x'.repeat(n),
    ];
    for (const value of values) {
      const bytes = standardSerializer.serialize(value);
      expect(bytes.length * DECODE_COST_PER_BYTE).toBeGreaterThan(DECODE_BUDGET_FLOOR);
      expect(standardSerializer.deserialize(bytes)).toEqual(value);
    }
  });

  it('writers refuse a value their readers would refuse (a SerializationError naming the budget)', () => {
    const emptyMaps = Array.from({ length: pastTheFloor(64) }, () => ({}));
    for (const serializer of [standardSerializer, autoSerializer]) {
      const error = thrown(() => serializer.serialize(emptyMaps));
      expect(error).toBeInstanceOf(SerializationError);
      expect((error as Error).message).toMatch(/heap/);
    }
  });

  it('never estimates more than MAX_COST_PER_INPUT_BYTE per byte, so short documents need no check', () => {
    fc.assert(
      fc.property(fc.oneof(standardValue, autoValue), (value) => {
        let bytes: Uint8Array;
        try {
          bytes = autoSerializer.serialize(value);
        } catch {
          return; // not every standard value is an auto value, nor the reverse
        }
        const cost = checkDecodeBounds(bytes, 0, bytes.length, MAX_DECODE_DEPTH, autoExtensionCost);
        expect(cost).toBeLessThanOrEqual(MAX_COST_PER_INPUT_BYTE * bytes.length);
      }),
      { numRuns: 500 },
    );
    // The worst shapes, by construction.
    for (const item of ['c400', 'd40500', '80', '90', 'd40400', 'c70005']) {
      for (const count of [1, 15, 1000]) {
        const bytes = arrayOf(count, item);
        expect(checkDecodeBounds(bytes, 0, bytes.length, MAX_DECODE_DEPTH, autoExtensionCost)).toBeLessThanOrEqual(MAX_COST_PER_INPUT_BYTE * bytes.length);
      }
    }
  });

  it('the budget is the floor for short documents, 32 bytes per byte beyond, and 1 GiB at most', () => {
    expect(decodeBudget(10)).toBe(DECODE_BUDGET_FLOOR);
    expect(decodeBudget(1024 * 1024)).toBe(32 * 1024 * 1024);
    expect(decodeBudget(512 * 1024 * 1024)).toBe(1024 * 1024 * 1024);
  });
});

describe('auto BigInt digits', () => {
  /** The auto bytes of a BigInt with `digits` decimal digits, built by hand (the writer refuses long ones). */
  function bigintBytes(digits: number): Buffer {
    const text = Buffer.from('7'.repeat(digits), 'latin1');
    const header = Buffer.from([0xc9, 0, 0, 0, 0, 0x03]);
    header.writeUInt32BE(text.length, 1);
    return Buffer.concat([header, text]);
  }

  it(`reads a BigInt of ${MAX_BIGINT_DIGITS} digits and refuses one of 1 000 000 before parsing it`, () => {
    expect(autoSerializer.deserialize(bigintBytes(MAX_BIGINT_DIGITS))).toBe(BigInt('7'.repeat(MAX_BIGINT_DIGITS)));
    const error = thrown(() => autoSerializer.deserialize(bigintBytes(1_000_000)));
    expect(error).toBeInstanceOf(SerializationError);
    expect((error as Error).message).toMatch(/BigInt of 1000000 digits/);
    expect(thrown(() => autoSerializer.deserialize(bigintBytes(MAX_BIGINT_DIGITS + 1)))).toBeInstanceOf(SerializationError);
  });

  it('refuses to write a BigInt over the cap, and writes one at it (negative too)', () => {
    const atCap = -BigInt('9'.repeat(MAX_BIGINT_DIGITS));
    expect(autoSerializer.deserialize(autoSerializer.serialize(atCap))).toBe(atCap);
    const error = thrown(() => autoSerializer.serialize({ n: 10n ** BigInt(MAX_BIGINT_DIGITS) }));
    expect(error).toBeInstanceOf(SerializationError);
    expect((error as Error).message).toMatch(/value\.n .*BigInt of 10001 digits/);
    expect(thrown(() => autoSerializer.serialize(1n << 3_400_000n))).toBeInstanceOf(SerializationError);
  });
});
