/**
 * The copy a memory-only miss keeps instead of bytes must be exactly what the `standard`
 * serializer reads back (types, key order, -0), or no copy at all: then the value is serialized
 * as before.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { standardSerializer } from '../../src/codec';
import { exactStandardCopy } from '../../src/l1/exact-copy';
import { footprintOf } from '../../src/l1/value-template';

const roundTrip = (value: unknown): unknown => standardSerializer.deserialize(standardSerializer.serialize(value));
const copyOf = (value: unknown, maxValueBytes = Number.POSITIVE_INFINITY) => exactStandardCopy(value, false, maxValueBytes);

/** Same types, same prototypes, same own keys in the same order, Object.is on every leaf. */
function identical(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const keysA = Reflect.ownKeys(a);
  const keysB = Reflect.ownKeys(b);
  if (keysA.length !== keysB.length || keysA.some((key, i) => key !== keysB[i])) return false;
  return keysA.every((key) => key === 'length' || identical((a as Record<PropertyKey, unknown>)[key], (b as Record<PropertyKey, unknown>)[key]));
}

/** No container of `copy` is one of `source`'s. */
function sharesNoContainer(copy: unknown, source: unknown): boolean {
  if (typeof copy !== 'object' || copy === null) return true;
  if (copy === source) return false;
  return Object.keys(copy).every((key) => sharesNoContainer((copy as Record<string, unknown>)[key], (source as Record<string, unknown>)[key]));
}

afterEach(() => {
  delete (Object.prototype as { toJSON?: unknown }).toJSON;
  delete (Object.prototype as { polluted?: unknown }).polluted;
});

describe('exactStandardCopy', () => {
  it('copies plain data into exactly what the serializer reads back, sharing no container', () => {
    const value = { id: 1, minusZero: -0, nan: Number.NaN, big: 2 ** 60, f: 1.5, s: 'é😀', list: [1, 'a', null, true, [{ x: [] }]], nested: { '2': 'b', '1': 'a', z: {} } };
    const copy = copyOf(value);
    expect(copy).toBeDefined();
    expect(identical(copy?.value, roundTrip(value))).toBe(true);
    expect(sharesNoContainer(copy?.value, value)).toBe(true);
    expect(copy?.bytes).toBe(footprintOf(roundTrip(value)));
  });

  it('agrees with the serializer on every JSON value it copies', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = copyOf(value);
        // JSON values hold no type the copy gives up on, but "__proto__" keys and lone surrogates.
        if (copy === undefined) return;
        expect(identical(copy.value, roundTrip(value))).toBe(true);
        expect(sharesNoContainer(copy.value, value)).toBe(true);
      }),
    );
  });

  it.each([
    ['undefined (read back as null)', { a: undefined }],
    ['an array hole (read back as null)', [1, , 3]],
    ['a BigInt (read back as a number)', { n: 5n }],
    ['a Date (travels as a sentinel map)', { when: new Date(0) }],
    ['a Map', { m: new Map([['k', 1]]) }],
    ['a Buffer', { b: Buffer.from([1]) }],
    ['a class instance', { c: new (class Point { x = 1 })() }],
    ['an object without a prototype (read back with one)', { o: Object.assign(Object.create(null), { x: 1 }) }],
    ['an Array subclass', { list: new (class List extends Array {})() }],
    ['an own __proto__ key', JSON.parse('{"__proto__": {"x": 1}}')],
    ['a date sentinel the decoder revives', { __datetime__: true, value: '2026-01-02T03:04:05' }],
    ['a lone surrogate in a string (refused)', { s: 'a\uD800b' }],
    ['a lone surrogate in a key (refused)', { ['k\uDC00']: 1 }],
    ['a function', { f: () => 1 }],
    ['a symbol', { s: Symbol('s') }],
    ['a top-level undefined', undefined],
  ])('gives up on %s', (_, value) => {
    expect(copyOf(value)).toBeUndefined();
  });

  it('leaves symbol keys and non-enumerable properties out, as the serializer does', () => {
    const value = { a: 1, [Symbol('hidden')]: 2 };
    Object.defineProperty(value, 'secret', { value: 3, enumerable: false });
    const copy = copyOf(value);
    expect(identical(copy?.value, roundTrip(value))).toBe(true);
    expect(Reflect.ownKeys(copy?.value as object)).toEqual(['a']);
  });

  it('gives up while Object.prototype has a toJSON or an enumerable property', () => {
    (Object.prototype as { toJSON?: unknown }).toJSON = () => 'x';
    expect(copyOf({ a: 1 })).toBeUndefined();
    delete (Object.prototype as { toJSON?: unknown }).toJSON;
    (Object.prototype as { polluted?: unknown }).polluted = 1;
    expect(copyOf({ a: 1 })).toBeUndefined();
  });

  it('gives up on cycles and on nesting deeper than templates go, without overflowing', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(copyOf(cyclic)).toBeUndefined();
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(copyOf(deep)).toBeUndefined();
  });

  it('gives up when the bytes might pass maxValueBytes or the decode budget, so serializing decides', () => {
    expect(copyOf({ s: 'x'.repeat(100) }, 50)).toBeUndefined();
    expect(copyOf({ s: 'x'.repeat(100) }, 10_000)).toBeDefined();
    expect(copyOf(Array.from({ length: 5000 }, () => []))).toBeUndefined();
    expect(copyOf('x'.repeat(300_000))).toBeUndefined();
  });

  it('deep-freezes the copy for the frozen mode, never the source', () => {
    const value = { a: [1, { b: 2 }] };
    const copy = exactStandardCopy(value, true, Number.POSITIVE_INFINITY)?.value as { a: [number, { b: number }] };
    expect(Object.isFrozen(copy) && Object.isFrozen(copy.a) && Object.isFrozen(copy.a[1])).toBe(true);
    expect(Object.isFrozen(value) || Object.isFrozen(value.a)).toBe(false);
  });

  it('reads a getter once, as the serializer does, and lets what it throws through', () => {
    let reads = 0;
    const value = {
      get n() {
        reads++;
        return 7;
      },
    };
    expect(copyOf(value)?.value).toEqual({ n: 7 });
    expect(reads).toBe(1);
    const throwing = {
      get n(): number {
        throw new Error('no');
      },
    };
    expect(() => copyOf(throwing)).toThrow('no');
  });
});
