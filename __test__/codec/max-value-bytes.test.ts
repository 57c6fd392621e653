/**
 * `createCodec({ maxValueBytes })`: values over the limit are not encoded (the MessagePack
 * serializers stop writing at it) and stored bytes whose payload is over it are not decoded —
 * for the envelope, before the payload is allocated.
 */
import { describe, expect, it } from 'vitest';
import { createCodec } from '../../src/codec/codec';
import { ValueEncoder } from '../../src/msgpack/value-encoder';
import { ByteStorage } from '../../src/native';
import { ConfigurationError, IntegrityError, SerializationError } from '../../src/errors';
import { thrown } from '../support/thrown';

const context = { key: 'k' };
const MiB = 1024 * 1024;

describe('createCodec maxValueBytes', () => {
  it('names a bad value and the fix', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, '1000']) {
      const error = thrown(() => createCodec({ maxValueBytes: bad as number }));
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error.message).toMatch(/maxValueBytes: expected a positive whole number of bytes, got .*Fix:/);
    }
  });

  it.each(['standard', 'auto', 'json'] as const)('%s: encoding a value over the limit is a SerializationError ERR_VALUE_TOO_LARGE', (serializer) => {
    const codec = createCodec({ serializer, maxValueBytes: 1000 });
    for (const encode of [() => codec.encode('y'.repeat(5000), context), () => codec.serialize('y'.repeat(5000))]) {
      const error = thrown(encode);
      expect(error).toBeInstanceOf(SerializationError);
      expect(error.code).toBe('ERR_VALUE_TOO_LARGE');
    }
    expect(codec.decode(codec.encode('y'.repeat(900), context), context)).toBe('y'.repeat(900));
  });

  it('decoding an envelope whose payload is over the limit is an IntegrityError ERR_INPUT_TOO_LARGE, sync and async', async () => {
    const writer = createCodec({ integrity: true });
    const reader = createCodec({ integrity: true, maxValueBytes: MiB, asyncThreshold: 1 });
    const stored = writer.encode('z'.repeat(4 * MiB), context);
    for (const error of [thrown(() => reader.decode(stored, context)), thrown(() => reader.open(stored, context))]) {
      expect(error).toBeInstanceOf(IntegrityError);
      expect(error.code).toBe('ERR_INPUT_TOO_LARGE');
    }
    await expect(reader.decodeAsync(stored, context)).rejects.toMatchObject({ code: 'ERR_INPUT_TOO_LARGE' });
    await expect(reader.openAsync(stored, context)).rejects.toMatchObject({ code: 'ERR_INPUT_TOO_LARGE' });
    // The envelope declared 4 MiB; it is the declared size that was refused.
    expect(new ByteStorage().retrieve(stored).data.length).toBeGreaterThan(4 * MiB);
  });

  it('decoding plain serializer bytes over the limit is an IntegrityError ERR_INPUT_TOO_LARGE', () => {
    const stored = createCodec({ integrity: false }).encode('z'.repeat(5000), context);
    const reader = createCodec({ integrity: false, maxValueBytes: 1000 });
    expect(thrown(() => reader.decode(stored, context))).toMatchObject({ code: 'ERR_INPUT_TOO_LARGE' });
    expect(thrown(() => reader.deserialize(stored))).toMatchObject({ code: 'ERR_INPUT_TOO_LARGE' });
  });

  it('an encoder that refused an oversized value does not keep its buffer grown to the limit', () => {
    const encoder = new ValueEncoder('standard', 4096);
    const error = thrown(() => encoder.encode(Array.from({ length: 1000 }, () => 'x'.repeat(1000)), 256 * 1024));
    expect(error.code).toBe('ERR_VALUE_TOO_LARGE');
    expect(encoder.writer.buf.length).toBe(4096);
    expect(encoder.encode('small', 256 * 1024).length).toBe(6);
  });
});
