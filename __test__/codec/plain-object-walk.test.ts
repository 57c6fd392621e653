/**
 * The value encoder walks plain objects with for-in (`writeOwnKeys`), patching each map header
 * once the entries are written, where it used to take `Object.keys` first. These tests pin that
 * the bytes are those of the `Object.keys` walk — which the encoder still takes when
 * Object.prototype has an enumerable property — for random values and at every header size,
 * and that the byte limit still holds when a header grows after its entries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueEncoder } from '../../src/msgpack/value-encoder';
import { autoValue, standardValue } from './arbitraries';

/** The bytes of each value by the `Object.keys` walk: the encoder falls back to it while Object.prototype has an enumerable key. */
function encodedByObjectKeys(encoder: ValueEncoder, values: readonly unknown[]): Buffer[] {
  Object.defineProperty(Object.prototype, 'walkProbe', { value: 1, enumerable: true, configurable: true, writable: true });
  try {
    return values.map((value) => Buffer.from(encoder.encode(value)));
  } finally {
    delete (Object.prototype as { walkProbe?: unknown }).walkProbe;
  }
}

const objectOf = (count: number): Record<string, number> => {
  const object: Record<string, number> = {};
  for (let i = 0; i < count; i++) object[`k${i}`] = i;
  return object;
};

describe('plain objects walked with for-in', () => {
  it.each([
    ['standard', standardValue],
    ['auto', autoValue],
  ] as const)('%s: the same bytes as the Object.keys walk for random values', (profile, arbitrary) => {
    const values = fc.sample(arbitrary, 400);
    const encoder = new ValueEncoder(profile);
    const expected = encodedByObjectKeys(encoder, values);
    values.forEach((value, i) => expect(Buffer.from(encoder.encode(value)).equals(expected[i]!)).toBe(true));
  });

  it('the same bytes at every map header size: fixmap, map16 and map32, nested in each other', () => {
    const counts = [0, 1, 15, 16, 17, 255, 65_535, 65_536];
    const values = [...counts.map(objectOf), { inner: objectOf(16), after: objectOf(15), list: [objectOf(17), objectOf(65_536)] }];
    const encoder = new ValueEncoder('standard');
    const expected = encodedByObjectKeys(encoder, values);
    values.forEach((value, i) => expect(Buffer.from(encoder.encode(value)).equals(expected[i]!)).toBe(true));
    expect(expected[3]![0]).toBe(0xde);
    expect(expected[7]![0]).toBe(0xdf);
  });

  it('a map header that grows after its entries never takes the bytes past the limit', () => {
    const value = { list: [objectOf(20), objectOf(40)] };
    const encoder = new ValueEncoder('standard');
    const full = encoder.encode(value).length;
    let refused = 0;
    // Room checks look ahead (a string reserves 3 bytes per character), so values a little
    // under the limit may be refused too; none may pass it.
    for (let limit = full - 12; limit <= full + 64; limit++) {
      try {
        expect(encoder.encode(value, limit).length).toBeLessThanOrEqual(limit);
      } catch (error) {
        expect((error as { code?: string }).code).toBe('ERR_VALUE_TOO_LARGE');
        refused++;
      }
    }
    expect(refused).toBeGreaterThanOrEqual(12);
    expect(encoder.encode(value, full + 64).length).toBe(full);
  });

  it('a getter that deletes a key not yet written leaves that key out (Object.keys wrote it as nil)', () => {
    const value: Record<string, unknown> = {
      get first() {
        delete value.second;
        return 1;
      },
      second: 2,
      third: 3,
    };
    const encoder = new ValueEncoder('standard');
    // fixmap of 2: "first" → 1, "third" → 3.
    expect([...encoder.encode(value)]).toEqual([0x82, 0xa5, ...Buffer.from('first'), 0x01, 0xa5, ...Buffer.from('third'), 0x03]);
  });
});
