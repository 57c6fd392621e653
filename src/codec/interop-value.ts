/**
 * The interop/v1 value: one plain MessagePack document, no frame, no envelope, nothing after
 * it, map keys in code-point order. This is what `cache(fn, { interop })` stores, so that
 * every cachekit SDK can read it. With encryption, the stored value is the bare AES-256-GCM
 * ciphertext of those bytes, bound by the AAD (tenant, key, "msgpack", False).
 */
import { CachekitError, ConfigurationError, SerializationError } from '../errors';
import type { CodecHalves } from './codec';
import type { EntryContext, EntryLayout, ValueEncryptor } from '../encryption/value-encryptor';
import { ValueDecoder } from '../msgpack/value-decoder';
import { ValueEncoder } from '../msgpack/value-encoder';
import { rethrowWithFrameDiagnosis } from './python-frame';
import { refuseOversizedPayload } from './value-size';

/** Encodes and decodes interop values; its halves are a cache's interop pipeline. */
export interface InteropValueCodec extends CodecHalves<Uint8Array> {
  /** Stored bytes of `value` (a Buffer the caller owns). `context` is required with encryption. */
  encode(value: unknown, context?: EntryContext): Buffer;
  /**
   * Reads one document; refuses trailing bytes, hostile headers (decode bounds) and, with a
   * message naming the fix, cachekit-py CK frames.
   */
  decode(stored: Uint8Array, context?: EntryContext): unknown;
}

/** Options of the interop value codec. */
export interface InteropValueCodecOptions {
  /** Revive `{"__datetime__": true, "value": iso}` maps as Dates (default true). */
  readonly reviveDates?: boolean;
  /** Encrypt stored values (see `createTenantKeysEncryptor`). */
  readonly encryption?: ValueEncryptor | undefined;
  /** Largest document written (the encoder stops there) or read. Default: no limit. */
  readonly maxValueBytes?: number | undefined;
}

/** The interop AAD inputs besides tenant and key: always `msgpack`, never compressed. */
export const INTEROP_LAYOUT: EntryLayout = Object.freeze({ format: 'msgpack', compressed: false });

const asBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

/** Creates an interop value codec. */
export function createInteropValueCodec(options: InteropValueCodecOptions = {}): InteropValueCodec {
  const encoder = new ValueEncoder('interop', 1024);
  const decoder = new ValueDecoder('interop', { reviveDates: options.reviveDates ?? true });
  const { encryption, maxValueBytes } = options;

  const entry = (context: EntryContext | undefined): EntryContext => {
    if (context === undefined || typeof context.key !== 'string' || context.key === '') {
      throw new ConfigurationError('interop encryption needs the cache key: pass { key, tenant } as the context');
    }
    return context;
  };
  /** The document inside stored bytes; a plaintext is never longer than its ciphertext, so decrypting costs no more than the read did. */
  const payloadOf = (stored: Uint8Array, context: EntryContext | undefined): Buffer => {
    const payload = encryption ? encryption.decrypt(asBuffer(stored), entry(context), INTEROP_LAYOUT) : asBuffer(stored);
    refuseOversizedPayload(payload.length, maxValueBytes);
    return payload;
  };

  const codec: InteropValueCodec = {
    serialize(value) {
      try {
        return Buffer.from(encoder.encode(value, maxValueBytes));
      } catch (error) {
        if (error instanceof CachekitError) throw error;
        throw new SerializationError(`The value has no interop form: ${(error as Error)?.message ?? String(error)}`, { cause: error });
      }
    },
    deserialize(bytes) {
      return decoder.decode(bytes);
    },
    seal(serialized, context) {
      return encryption ? encryption.encrypt(asBuffer(serialized), entry(context), INTEROP_LAYOUT) : asBuffer(serialized);
    },
    open(stored, context) {
      try {
        return payloadOf(stored, context);
      } catch (error) {
        return rethrowWithFrameDiagnosis(stored, error);
      }
    },
    // No envelope: nothing worth moving to the thread pool.
    async sealAsync(serialized, context) {
      return codec.seal(serialized, context);
    },
    async openAsync(stored, context) {
      return codec.open(stored, context);
    },
    encode(value, context) {
      return codec.seal(codec.serialize(value), context as EntryContext);
    },
    decode(stored, context) {
      try {
        return decoder.decode(payloadOf(stored, context));
      } catch (error) {
        return rethrowWithFrameDiagnosis(stored, error);
      }
    },
  };
  return codec;
}
