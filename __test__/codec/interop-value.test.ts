/**
 * test-vectors/interop-mode.json, value side: value vectors encode byte for byte and decode
 * back; every reader-accept document decodes (to `value` where given); the reader-reject
 * document is refused; and python-frame.json's `ck_frame_fed_to_interop_reader` is refused
 * and reported as a cachekit-py frame.
 */
import { describe, expect, it } from 'vitest';
import { IntegrityError } from '../../src/errors';
import { createInteropValueCodec } from '../../src/codec/interop-value';
import { DecodeBoundsError } from '../../src/msgpack/bounds';
import { PYTHON_FRAME_ERROR, PythonFrameError } from '../../src/codec/python-frame';
import { Float64, MsgpackExtension } from '../../src/msgpack/tagged-values';
import { fromTagged } from '../keys/support/tagged-json';
import { hex, loadVectors } from '../support/vectors';

interface ValueRow {
  name: string;
  value: unknown;
  canonical_msgpack_hex: string;
}
interface ReaderRow {
  name: string;
  input_hex: string;
  value?: unknown;
}
const file = loadVectors<{
  value_vectors: ValueRow[];
  reader_accept_vectors: ReaderRow[];
  reader_reject_vectors: ReaderRow[];
}>('interop-mode.json');
const frames = loadVectors<{ error_vectors: { name: string; frame_hex: string }[] }>('python-frame.json');

/** What a decoded value should equal: float markers are plain numbers once read. */
function expectedRead(value: unknown): unknown {
  if (value instanceof Float64) return value.value;
  if (Array.isArray(value)) return value.map(expectedRead);
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expectedRead(v)]));
  }
  return value;
}

const codec = createInteropValueCodec();

describe('interop-mode.json value vectors', () => {
  it.each(file.value_vectors.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const value = fromTagged(row.value);
    const bytes = codec.encode(value);
    expect(bytes.toString('hex')).toBe(row.canonical_msgpack_hex);
    const read = codec.decode(bytes);
    if (row.name === 'datetime_sentinel_value') {
      // Interop revives the datetime sentinel (microseconds beyond the millisecond are dropped).
      expect(read).toEqual(new Date('2024-01-01T12:30:45.123Z'));
      expect(createInteropValueCodec({ reviveDates: false }).decode(bytes)).toEqual(value);
    } else {
      expect(read).toEqual(expectedRead(value));
    }
  });

  it('keeps a __proto__ key as an own key when reading', () => {
    const read = codec.decode(hex('81a95f5f70726f746f5f5f01')) as Record<string, unknown>;
    expect(Object.keys(read)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
  });

  it('writes a Date as the datetime sentinel with Python isoformat text', () => {
    const bytes = codec.encode(new Date('2024-01-01T12:30:45.123Z'));
    expect(createInteropValueCodec({ reviveDates: false }).decode(bytes)).toEqual({
      __datetime__: true,
      value: '2024-01-01T12:30:45.123000+00:00',
    });
  });
});

describe('interop-mode.json reader vectors', () => {
  it.each(file.reader_accept_vectors.map((row) => [row.name, row] as const))('accepts %s', (_name, row) => {
    const read = codec.decode(hex(row.input_hex));
    if (row.value !== undefined) expect(read).toEqual(expectedRead(fromTagged(row.value)));
  });

  it('reads a non-string map key as a Map and an unknown ext as a MsgpackExtension', () => {
    expect(codec.decode(hex('81012a'))).toEqual(new Map([[1, 42]]));
    expect(codec.decode(hex('d4012a'))).toEqual(new MsgpackExtension(1, Buffer.from([0x2a])));
  });

  it.each(file.reader_reject_vectors.map((row) => [row.name, row] as const))('refuses %s', (_name, row) => {
    expect(() => codec.decode(hex(row.input_hex))).toThrow(DecodeBoundsError);
  });

  it('refuses a CK frame and names it as a cachekit-py entry', () => {
    const row = frames.error_vectors.find((r) => r.name === 'ck_frame_fed_to_interop_reader')!;
    let caught: unknown;
    try {
      codec.decode(hex(row.frame_hex));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PythonFrameError);
    expect(caught).toBeInstanceOf(IntegrityError);
    expect((caught as PythonFrameError).code).toBe(PYTHON_FRAME_ERROR);
    expect((caught as Error).message).toContain('interop mode');
    expect((caught as Error).message).toContain('serializer "default"');
  });
});
