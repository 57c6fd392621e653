/**
 * createCodec: serializer → envelope → encryption and back, with the real native envelope and
 * real AES-256-GCM tenant keys. Round trips for every serializer and setting; a flipped byte
 * in stored bytes is an error or the original value, never another value; and each decode
 * failure is the documented error class with a stable code.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, DecryptionError, IntegrityError, SerializationError } from '../../src/errors';
import { createCodec, type Codec, type CodecOptions } from '../../src/codec/codec';
import { createTenantKeysEncryptor } from '../../src/encryption/tenant-keys-encryptor';
import { CodecErrorCode } from '../../src/codec/error-codes';
import { DecodeBoundsError } from '../../src/msgpack/bounds';
import type { Serializer } from '../../src/codec/serializers/serializer';
import { hex, loadVectors } from '../support/vectors';
import { autoValue, jsonValue, standardValue } from './arbitraries';

const encryption = createTenantKeysEncryptor({ masterKey: Buffer.alloc(32, 0x61) });
const context = { key: 'ns:t:func:m.f:args:00:1s', tenant: 'acme' };

const domains = { standard: standardValue, auto: autoValue, json: jsonValue } as const;
const settings = [
  { integrity: true, encrypted: false },
  { integrity: false, encrypted: false },
  { integrity: true, encrypted: true },
  { integrity: false, encrypted: true },
] as const;

function codecFor(serializer: CodecOptions['serializer'], setting: { integrity: boolean; encrypted: boolean }): Codec {
  return createCodec({ serializer, integrity: setting.integrity, encryption: setting.encrypted ? encryption : undefined });
}

const describeSetting = (s: { integrity: boolean; encrypted: boolean }): string =>
  `integrity ${s.integrity ? 'on' : 'off'}, ${s.encrypted ? 'encrypted' : 'plaintext'}`;

describe.each(Object.keys(domains) as (keyof typeof domains)[])('%s pipeline', (name) => {
  it.each(settings.map((s) => [describeSetting(s), s] as const))('round-trips every value (%s)', (_label, setting) => {
    const codec = codecFor(name, setting);
    fc.assert(
      fc.property(domains[name], (value) => {
        expect(isDeepStrictEqual(codec.decode(codec.encode(value, context), context), value)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  // With integrity off and no encryption nothing detects a changed byte: that is what turning
  // integrity off means, so the property is claimed only for the protected settings.
  it.each(settings.filter((s) => s.integrity || s.encrypted).map((s) => [describeSetting(s), s] as const))(
    'turns any flipped byte into an error or the original value (%s)',
    (_label, setting) => {
      const codec = codecFor(name, setting);
      fc.assert(
        fc.property(domains[name], fc.nat(), fc.integer({ min: 1, max: 255 }), (value, at, mask) => {
          const stored = Buffer.from(codec.encode(value, context));
          stored[at % stored.length]! ^= mask;
          let read: unknown;
          try {
            read = codec.decode(stored, context);
          } catch (error) {
            expect(error instanceof IntegrityError || error instanceof DecryptionError || error instanceof SerializationError).toBe(true);
            return;
          }
          expect(isDeepStrictEqual(read, value)).toBe(true);
        }),
        { numRuns: 300 },
      );
    },
  );
});

describe('codec settings', () => {
  it('exposes the key code and integrity flag for the key builder', () => {
    expect(createCodec()).toMatchObject({ serializerCode: 's', format: 'msgpack', integrity: true, encrypted: false });
    expect(createCodec({ encryption }).encrypted).toBe(true);
    expect(createCodec({ serializer: 'json', integrity: false })).toMatchObject({ serializerCode: 'o', integrity: false });
    expect(createCodec({ serializer: 'auto' }).serializerCode).toBe('a');
    expect(createCodec({ serializer: 'std' }).serializerCode).toBe('s');
    expect(createCodec({ serializer: 'arrow' }).serializerCode).toBe('w');
  });

  it('refuses bad options with a ConfigurationError naming them', () => {
    expect(() => createCodec({ serializer: 'yaml' as 'json' })).toThrow(/unknown serializer "yaml"/);
    expect(() => createCodec({ serializer: { name: 'x' } as unknown as Serializer })).toThrow(ConfigurationError);
    expect(() => createCodec({ integrity: 'yes' as unknown as boolean })).toThrow(/integrity/);
    expect(() => createCodec({ encryption: {} as never })).toThrow(/encryption/);
    const badCode = { name: 'c', code: 'S', serialize: () => new Uint8Array(), deserialize: () => 1 };
    expect(() => createCodec({ serializer: badCode })).toThrow(/code "S"/);
  });
});

describe('the L1/L2 halves', () => {
  it.each(settings.map((s) => [describeSetting(s), s] as const))('compose to encode/decode (%s)', (_label, setting) => {
    const codec = codecFor('standard', setting);
    fc.assert(
      fc.property(standardValue, (value) => {
        const serialized = codec.serialize(value);
        const sealed = codec.seal(serialized, context);
        expect(isDeepStrictEqual(codec.decode(sealed, context), value)).toBe(true);
        expect(codec.open(codec.encode(value, context), context).equals(serialized)).toBe(true);
        expect(isDeepStrictEqual(codec.deserialize(codec.open(sealed, context)), value)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('serialize returns bytes that later calls do not overwrite', () => {
    const codec = createCodec();
    const first = codec.serialize({ a: 1 });
    codec.encode({ b: 2 }, context);
    codec.serialize({ c: 3 });
    expect(codec.deserialize(first)).toEqual({ a: 1 });
  });

  it('open reports a CK frame as such, and so does deserialize with integrity off', () => {
    const frame = Buffer.concat([Buffer.from('434b03000000027b7d', 'hex'), Buffer.from('payload')]);
    expect(() => createCodec().open(frame, context)).toThrow(expect.objectContaining({ code: CodecErrorCode.PYTHON_FRAME }));
    expect(() => createCodec({ integrity: false }).deserialize(frame)).toThrow(expect.objectContaining({ code: CodecErrorCode.PYTHON_FRAME }));
  });
});

describe('decode failures', () => {
  const standard = createCodec();

  it('refuses an entry of another serializer by its envelope format', () => {
    const stored = createCodec({ serializer: 'auto' }).encode({ a: 1 }, context);
    expect(() => standard.decode(stored, context)).toThrow(expect.objectContaining({ code: CodecErrorCode.FORMAT_MISMATCH }));
  });

  it('reports a corrupted checksum as an IntegrityError with the native code', () => {
    const stored = standard.encode('hello', context);
    stored[stored.length - 9]! ^= 1; // inside the checksum array
    expect(() => standard.decode(stored, context)).toThrow(IntegrityError);
  });

  it('refuses bytes that are not an envelope', () => {
    expect(() => standard.decode(Buffer.from('not an envelope'), context)).toThrow(IntegrityError);
  });

  it('does not decrypt under another cache key or tenant (AAD binding)', () => {
    const codec = createCodec({ encryption });
    const stored = codec.encode({ secret: 1 }, context);
    expect(codec.decode(stored, context)).toEqual({ secret: 1 });
    for (const other of [{ ...context, key: `${context.key}x` }, { ...context, tenant: 'other' }, { key: context.key }]) {
      expect(() => codec.decode(stored, other)).toThrow(expect.objectContaining({ code: CodecErrorCode.AUTHENTICATION_FAILED }));
      expect(() => codec.decode(stored, other)).toThrow(DecryptionError);
    }
  });

  it('refuses stored bytes shorter than nonce + tag', () => {
    const codec = createCodec({ encryption });
    expect(() => codec.decode(Buffer.alloc(10), context)).toThrow(expect.objectContaining({ code: CodecErrorCode.CIPHERTEXT_TOO_SHORT }));
  });

  it('does not read a plaintext entry in an encrypted cache', () => {
    const stored = standard.encode({ a: 1 }, context);
    expect(() => createCodec({ encryption }).decode(stored, context)).toThrow(DecryptionError);
  });
});

describe('wire-format.json payload_reject_vectors', () => {
  const rows = loadVectors<{ payload_reject_vectors: { name: string; envelope_hex: string }[] }>('wire-format.json')
    .payload_reject_vectors;

  it.each(rows.map((row) => [row.name, row] as const))('%s is refused by the payload pre-scan', (_name, row) => {
    expect(() => createCodec().decode(hex(row.envelope_hex), context)).toThrow(DecodeBoundsError);
  });
});

describe('custom serializers', () => {
  const csv: Serializer = {
    name: 'csv',
    serialize: (value) => Buffer.from((value as string[]).join(','), 'utf8'),
    deserialize: (bytes) => Buffer.from(bytes).toString('utf8').split(','),
  };

  it('round-trip through the envelope with a derived x-code and a custom format tag', () => {
    const codec = createCodec({ serializer: csv });
    expect(codec.serializerCode).toMatch(/^x[0-9a-f]{4}$/);
    expect(codec.decode(codec.encode(['a', 'b'], context), context)).toEqual(['a', 'b']);
  });

  it('wrap what the user serializer throws in SerializationError', () => {
    const failing: Serializer = {
      name: 'failing',
      serialize: () => {
        throw new Error('nope');
      },
      deserialize: () => {
        throw new Error('bad bytes');
      },
    };
    const codec = createCodec({ serializer: failing, integrity: false });
    expect(() => codec.encode(1, context)).toThrow(SerializationError);
    expect(() => codec.decode(Buffer.from('x'), context)).toThrow(SerializationError);
  });

  it('refuse a serializer that returns something other than bytes', () => {
    const wrong = { name: 'wrong', serialize: () => 'text' as unknown as Uint8Array, deserialize: () => null };
    expect(() => createCodec({ serializer: wrong }).encode(1, context)).toThrow(/instead of a Uint8Array/);
  });
});

describe('async methods', () => {
  it('move large values off the main thread and give the same result', async () => {
    const codec = createCodec({ asyncThreshold: 1024 });
    const big = { rows: Array.from({ length: 2000 }, (_, i) => ({ id: i, name: `row ${i}` })) };
    const small = { tiny: true };
    const [storedBig, storedSmall] = await Promise.all([codec.encodeAsync(big, context), codec.encodeAsync(small, context)]);
    expect(await codec.decodeAsync(storedBig, context)).toEqual(big);
    expect(await codec.decodeAsync(storedSmall, context)).toEqual(small);
    expect(codec.decode(storedBig, context)).toEqual(big);
  });

  it('never lets a later encode overwrite bytes the thread pool is still reading', async () => {
    const codec = createCodec({ asyncThreshold: 64 });
    const values = Array.from({ length: 8 }, (_, i) => ({ i, payload: 'x'.repeat(5000 + i) }));
    const stored = await Promise.all(values.map((value) => codec.encodeAsync(value, context)));
    expect(stored.map((bytes) => codec.decode(bytes, context))).toEqual(values);
  });

  it('report failures as the same errors', async () => {
    const codec = createCodec({ asyncThreshold: 8 });
    const stored = await codec.encodeAsync('x'.repeat(100), context);
    stored[stored.length - 12]! ^= 0xff;
    await expect(codec.decodeAsync(stored, context)).rejects.toBeInstanceOf(IntegrityError);
  });
});

describe('Python interop of the standard payload', () => {
  it('reads the envelope cachekit-py writes inside its CK frame (python-frame.json)', () => {
    const rows = loadVectors<{ error_vectors: { name: string; frame_hex: string }[] }>('python-frame.json').error_vectors;
    const envelope = rows.find((row) => row.name === 'bare_envelope_fed_to_frame_reader')!;
    expect(createCodec().decode(hex(envelope.frame_hex), context)).toEqual({ user_id: 42, name: 'cachekit', active: true });
  });
});
