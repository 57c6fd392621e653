/**
 * The interop/v1 value: one plain MessagePack document, no frame, no envelope, nothing after
 * it, map keys in code-point order. This is what `cache(fn, { interop })` stores, so that
 * every cachekit SDK can read it. With encryption, the stored value is the bare AES-256-GCM
 * ciphertext of those bytes, bound by the AAD (tenant, key, "msgpack", False).
 */
import { ConfigurationError } from '../errors';
import type { EntryContext, EntryLayout, ValueEncryptor } from '../encryption/value-encryptor';
import { ValueDecoder } from '../msgpack/value-decoder';
import { ValueEncoder } from '../msgpack/value-encoder';
import { rethrowWithFrameDiagnosis } from './python-frame';

/** Encodes and decodes interop values. */
export interface InteropValueCodec {
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
}

/** The interop AAD inputs besides tenant and key: always `msgpack`, never compressed. */
export const INTEROP_LAYOUT: EntryLayout = Object.freeze({ format: 'msgpack', compressed: false });

/** Creates an interop value codec. */
export function createInteropValueCodec(options: InteropValueCodecOptions = {}): InteropValueCodec {
  const encoder = new ValueEncoder('interop', 1024);
  const decoder = new ValueDecoder('interop', { reviveDates: options.reviveDates ?? true });
  const { encryption } = options;

  const entry = (context: EntryContext | undefined): EntryContext => {
    if (context === undefined || typeof context.key !== 'string' || context.key === '') {
      throw new ConfigurationError('interop encryption needs the cache key: pass { key, tenant } as the context');
    }
    return context;
  };

  return {
    encode(value, context) {
      const bytes = encoder.encode(value);
      return encryption ? encryption.encrypt(bytes, entry(context), INTEROP_LAYOUT) : Buffer.from(bytes);
    },
    decode(stored, context) {
      try {
        const buf = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
        return decoder.decode(encryption ? encryption.decrypt(buf, entry(context), INTEROP_LAYOUT) : buf);
      } catch (error) {
        return rethrowWithFrameDiagnosis(stored, error);
      }
    },
  };
}
