/**
 * The decode budget: a MessagePack document whose decoded heap would be out of proportion to
 * its length (mostly empty maps, empty binaries, ...) is refused by the pre-scan before any
 * value is built; ordinary data of any size is not. Writers refuse what readers would, and an
 * `auto` BigInt is capped in digits (parsing decimal text is superlinear).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeBoundsError, checkDecodeBounds } from '../../src/msgpack/bounds';
import {
  DECODE_BUDGET_FLOOR,
  DECODE_COST_PER_BYTE,
  MAX_BIGINT_DIGITS,
  MAX_FIXED_COST,
  MAX_VARIABLE_COST_PER_BYTE,
  autoExtensionCost,
  decodeBudget,
  standardExtensionCost,
} from '../../src/msgpack/decode-cost';
import { MAX_DECODE_DEPTH } from '../../src/msgpack/bounds';
import { ValueEncoder } from '../../src/msgpack/value-encoder';
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

  it('never estimates more than the bound writers use to skip pricing (fixed costs + variable cost per byte)', () => {
    const encoders = { standard: new ValueEncoder('standard'), auto: new ValueEncoder('auto') };
    const expectWithinBound = (profile: 'standard' | 'auto', value: unknown) => {
      const encoder = encoders[profile];
      const bytes = encoder.encode(value);
      const cost = checkDecodeBounds(bytes, 0, bytes.length, MAX_DECODE_DEPTH, profile === 'auto' ? autoExtensionCost : standardExtensionCost);
      expect(cost).toBeLessThanOrEqual(MAX_VARIABLE_COST_PER_BYTE * bytes.length + MAX_FIXED_COST * encoder.writer.fixedCostItems);
    };
    fc.assert(fc.property(standardValue, (value) => expectWithinBound('standard', value)), { numRuns: 300 });
    fc.assert(fc.property(autoValue, (value) => expectWithinBound('auto', value)), { numRuns: 300 });
    // The worst shapes, by construction: tiny strings as map values and array items, empty
    // binaries, exts, maps, arrays, auto Maps and Sets.
    const tiny = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`.slice(-2), 'ab']));
    for (const value of [tiny, Array(300).fill('ab'), Array(300).fill(Buffer.alloc(0)), Array(300).fill({}), Array(300).fill([])]) {
      expectWithinBound('standard', value);
    }
    for (const value of [Array(300).fill(new Map()), Array(300).fill(new Set()), Array(300).fill(new Uint8Array(0)), Array(300).fill(undefined)]) {
      expectWithinBound('auto', value);
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
