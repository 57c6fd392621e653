import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { autoSerializer, standardSerializer } from '../../src/codec';
import { copyTemplate, footprintOf } from '../../src/l1/value-template';

/** Every container reachable from `a` must be a different object from its twin in `b`. */
function sharesNoContainer(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null) return true;
  if (a === b) return false;
  if (a instanceof Map && b instanceof Map) return [...a.values()].every((v, i) => sharesNoContainer(v, [...b.values()][i]));
  if (a instanceof Set && b instanceof Set) return [...a].every((v, i) => sharesNoContainer(v, [...b][i]));
  if (ArrayBuffer.isView(a)) {
    // Small Buffers share Node's pool slab, so compare the memory ranges, not the slab.
    const x = a as Uint8Array;
    const y = b as Uint8Array;
    return x.buffer !== y.buffer || x.byteOffset !== y.byteOffset;
  }
  return Object.keys(a).every((k) => sharesNoContainer((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

describe('L1 value templates', () => {
  it('copies every type the built-in serializers produce, exactly and without sharing', () => {
    const value = {
      n: 1,
      f: 1.5,
      big: 12345678901234567890n,
      s: 'text',
      nil: null,
      undef: undefined,
      when: new Date('2026-01-02T03:04:05.678Z'),
      bytes: Buffer.from([1, 2, 3]),
      floats: new Float64Array([1.5, 2.5]),
      list: [1, [2, [3]], { deep: true }],
      map: new Map<unknown, unknown>([[1, { a: 1 }]]),
      set: new Set([1, 'two']),
      bare: Object.assign(Object.create(null), { x: 1 }),
    };
    expect(footprintOf(value)).toBeGreaterThan(0);
    const copy = copyTemplate(value) as typeof value;
    expect(copy).toEqual(value);
    expect(Object.getPrototypeOf(copy.bare)).toBeNull();
    expect(Buffer.isBuffer(copy.bytes)).toBe(true);
    expect(copy.floats).toBeInstanceOf(Float64Array);
    expect(sharesNoContainer(value, copy)).toBe(true);
  });

  it('keeps a decoded "__proto__" key as an own property instead of changing the prototype', () => {
    const decoded = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const copy = copyTemplate(decoded) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('copies only own keys even when Object.prototype carries an enumerable object property', () => {
    const template = { a: { b: 1 }, list: [{ c: 2 }] };
    Object.defineProperty(Object.prototype, 'injected', { value: { evil: true }, enumerable: true, configurable: true, writable: true });
    try {
      const copy = copyTemplate(template) as Record<string, unknown>;
      expect(Object.keys(copy)).toEqual(['a', 'list']);
      expect(Object.hasOwn(copy, 'injected')).toBe(false);
      expect(sharesNoContainer(template, copy)).toBe(true);
    } finally {
      delete (Object.prototype as Record<string, unknown>).injected;
    }
  });

  it('refuses values it cannot copy exactly (class instances, subclasses, symbols, accessors)', () => {
    class Point {
      x = 1;
    }
    class MyArray extends Uint8Array {}
    expect(footprintOf(new Point())).toBeUndefined();
    expect(footprintOf({ nested: [new Point()] })).toBeUndefined();
    expect(footprintOf(new MyArray(2))).toBeUndefined();
    expect(footprintOf({ [Symbol('s')]: 1 })).toBeUndefined();
    expect(footprintOf(Object.defineProperty({}, 'x', { get: () => 1, enumerable: true }))).toBeUndefined();
    expect(footprintOf(() => 1)).toBeUndefined();
    expect(footprintOf(new DataView(new ArrayBuffer(2)))).toBeUndefined();
  });

  it('round-trips anything the standard and auto serializers decode (property)', () => {
    for (const serializer of [standardSerializer, autoSerializer]) {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          const decoded = serializer.deserialize(serializer.serialize(value));
          if (footprintOf(decoded) === undefined) return true;
          const copy = copyTemplate(decoded);
          expect(copy).toStrictEqual(decoded);
          expect(sharesNoContainer(decoded, copy)).toBe(true);
          return true;
        }),
        { numRuns: 300 },
      );
    }
  });
});
