/**
 * The built-in serializers on their own: exact round trips (property tests, compared with
 * node:util isDeepStrictEqual: prototypes, -0, NaN, Map/Set order, typed-array kinds), the documented
 * normalisations of `standard`, the protocol's temporal sentinels (wire-format.json), and every
 * encode error naming the value's path and type.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SerializationError } from '../../src/errors';
import { jsonSerializer } from '../../src/codec/serializers/json-serializer';
import { autoSerializer, standardSerializer } from '../../src/codec/serializers/msgpack-serializers';
import { CalendarDate, IsoDateTime, TimeOfDay, float64, isoDateTime, uuid } from '../../src/msgpack/tagged-values';
import { hex, loadVectors } from '../support/vectors';
import { autoValue, jsonValue, standardValue } from './arbitraries';

const roundTrip = (serializer: typeof standardSerializer, value: unknown): unknown =>
  serializer.deserialize(serializer.serialize(value));

describe('round trips', () => {
  it('standard returns every value of its domain unchanged', () => {
    fc.assert(fc.property(standardValue, (value) => {
        expect(isDeepStrictEqual(roundTrip(standardSerializer, value), value)).toBe(true);
      }), { numRuns: 500 });
  });

  it('auto returns every value of its domain unchanged, rich types included', () => {
    fc.assert(fc.property(autoValue, (value) => {
        expect(isDeepStrictEqual(roundTrip(autoSerializer, value), value)).toBe(true);
      }), { numRuns: 500 });
  });

  it('json returns every JSON value unchanged', () => {
    fc.assert(fc.property(jsonValue, (value) => {
        expect(isDeepStrictEqual(roundTrip(jsonSerializer, value), value)).toBe(true);
      }), { numRuns: 300 });
  });

  it('auto keeps -0, undefined, invalid Dates, BigInts and Map keys of any type', () => {
    const key = { id: 1 };
    const value = [-0, undefined, 2n ** 100n, new Map<unknown, unknown>([[key, 'object key'], [1, 'one']])];
    const read = roundTrip(autoSerializer, value) as unknown[];
    expect(Object.is(read[0], -0)).toBe(true);
    expect(isDeepStrictEqual(read, value)).toBe(true);
    // isDeepStrictEqual compares Dates with ===, so NaN times never match: check it directly.
    const invalid = roundTrip(autoSerializer, new Date(Number.NaN));
    expect(invalid).toBeInstanceOf(Date);
    expect(Number.isNaN((invalid as Date).getTime())).toBe(true);
  });

  it('serialize returns owned bytes; serializeTransient a view reused by the next call', () => {
    const owned = standardSerializer.serialize({ a: 1 });
    const view = standardSerializer.serializeTransient!({ a: 1 });
    standardSerializer.serializeTransient!({ b: 2 });
    expect(Buffer.from(owned).toString('hex')).toBe('81a16101');
    expect(Buffer.from(view).toString('hex')).toBe('81a16202');
  });
});

describe('standard normalisations (cross-language profile)', () => {
  it('writes Dates as the datetime sentinel with Python isoformat text', () => {
    const bytes = standardSerializer.serialize(new Date('2025-11-14T10:30:00Z'));
    expect(Buffer.from(bytes).toString('hex')).toBe(
      '82ac5f5f6461746574696d655f5fc3a576616c7565b9323032352d31312d31345431303a33303a30302b30303a3030',
    );
  });

  it('reads undefined back as null, Maps as objects, small BigInts as numbers', () => {
    expect(roundTrip(standardSerializer, [undefined, new Map([['a', 1]]), 5n])).toStrictEqual([null, { a: 1 }, 5]);
  });

  it('writes float64() as a float, uuid() as its text, and toJSON() results', () => {
    expect(Buffer.from(standardSerializer.serialize(float64(2))).toString('hex')).toBe('cb4000000000000000');
    expect(roundTrip(standardSerializer, uuid('550E8400-E29B-41D4-A716-446655440000'))).toBe('550e8400-e29b-41d4-a716-446655440000');
    class Money {
      toJSON(): unknown {
        return { cents: 5 };
      }
    }
    expect(roundTrip(standardSerializer, new Money())).toStrictEqual({ cents: 5 });
  });

  it('round-trips CalendarDate and TimeOfDay through their sentinels', () => {
    expect(roundTrip(standardSerializer, new CalendarDate('2025-11-14'))).toStrictEqual(new CalendarDate('2025-11-14'));
    expect(roundTrip(standardSerializer, new TimeOfDay('10:30:00'))).toStrictEqual(new TimeOfDay('10:30:00'));
    const aware = isoDateTime('2024-01-01T18:00:45.123456+05:30');
    expect(roundTrip(standardSerializer, aware)).toStrictEqual(new Date('2024-01-01T12:30:45.123Z'));
    expect(aware).toBeInstanceOf(IsoDateTime);
  });

  it('refuses a datetime sentinel without a string value, as cachekit-py does', () => {
    const bytes = hex('81ac5f5f6461746574696d655f5fc3'); // {"__datetime__": true}
    expect(() => standardSerializer.deserialize(bytes)).toThrow(SerializationError);
  });

  it('refuses strings that are not valid UTF-8 instead of inventing U+FFFD', () => {
    expect(() => standardSerializer.deserialize(hex('a2c328'))).toThrow(SerializationError);
    expect(() => standardSerializer.deserialize(hex(`d920${'61'.repeat(29)}eda080`))).toThrow(SerializationError);
  });
});

describe('wire-format.json temporal sentinels', () => {
  interface Row {
    name: string;
    payload_hex: string;
    revives_to: { type: 'datetime' | 'date' | 'time'; iso: string };
  }
  const rows = loadVectors<{ temporal_sentinel_vectors: Row[] }>('wire-format.json').temporal_sentinel_vectors;

  it.each(rows.map((row) => [row.name, row] as const))('%s revives as a temporal value', (_name, row) => {
    const value = standardSerializer.deserialize(hex(row.payload_hex));
    const expected = {
      datetime: () => new Date(row.revives_to.iso),
      date: () => new CalendarDate(row.revives_to.iso),
      time: () => new TimeOfDay(row.revives_to.iso),
    }[row.revives_to.type]();
    expect(value).toStrictEqual(expected);
  });
});

describe('SerializationError names the path and the type', () => {
  const message = (serialize: () => unknown): string => {
    try {
      serialize();
    } catch (error) {
      expect(error).toBeInstanceOf(SerializationError);
      expect((error as SerializationError).code).toBe('ERR_SERIALIZATION_UNSUPPORTED');
      return (error as Error).message;
    }
    throw new Error('expected a SerializationError');
  };

  it.each([
    ['standard', 'a function', { user: { save: () => 1 } }, 'value.user.save', 'function'],
    ['standard', 'a Set', [new Set([1])], 'value[0]', 'Set'],
    ['standard', 'a non-string Map key', { m: new Map([[1, 'a']]) }, 'value.m<Map key>', 'number'],
    ['standard', 'a class instance', { s: new (class Session {})() }, 'value.s', 'Session'],
    ['standard', 'an invalid Date', [new Date('x')], 'value[0]', 'Date'],
    ['standard', 'a Date Python cannot hold', [new Date('+010000-01-01T00:00:00Z')], 'value[0]', 'Date'],
    ['standard', 'a lone surrogate', { s: 'a\ud800' }, 'value.s', 'string'],
    ['standard', 'a BigInt beyond uint64', [2n ** 64n], 'value[0]', 'bigint'],
    ['standard', 'a typed array other than Uint8Array', [new Int16Array(1)], 'value[0]', 'Int16Array'],
    ['auto', 'a class instance', { s: new (class Session {})() }, 'value.s', 'Session'],
    ['auto', 'a symbol', [Symbol('x')], 'value[0]', 'symbol'],
  ] as const)('%s refuses %s', (profile, _label, value, path, type) => {
    const serializer = profile === 'standard' ? standardSerializer : autoSerializer;
    const text = message(() => serializer.serialize(value));
    expect(text).toContain(path);
    expect(text).toContain(`(${type})`);
  });

  it('refuses a cycle', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(message(() => autoSerializer.serialize(cyclic))).toContain('value.self');
  });

  it('refuses nesting a reader would refuse', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1100; i++) deep = [deep];
    expect(message(() => standardSerializer.serialize(deep))).toContain('nested deeper');
  });

  it('json reports what JSON.stringify cannot write', () => {
    expect(() => jsonSerializer.serialize(10n)).toThrow(SerializationError);
    expect(() => jsonSerializer.serialize(undefined)).toThrow(SerializationError);
  });
});
