/**
 * The interop/v1 value: one plain MessagePack document, no frame, no envelope, nothing after
 * it, map keys in code-point order. This is what `cache(fn, { interop })` stores, so that
 * every cachekit SDK can read it.
 */
import { ValueDecoder } from './msgpack/value-decoder';
import { ValueEncoder } from './msgpack/value-encoder';
import { rethrowWithFrameDiagnosis } from './python-frame';

/** Encodes and decodes interop values. */
export interface InteropValueCodec {
  /** Plain canonical MessagePack of `value` (a Buffer the caller owns). */
  encode(value: unknown): Buffer;
  /**
   * Reads one document; refuses trailing bytes, hostile headers (decode bounds) and, with a
   * message naming the fix, cachekit-py CK frames.
   */
  decode(bytes: Uint8Array): unknown;
}

/** Options of the interop value codec. */
export interface InteropValueCodecOptions {
  /** Revive `{"__datetime__": true, "value": iso}` maps as Dates (default true). */
  readonly reviveDates?: boolean;
}

/** Creates an interop value codec. */
export function createInteropValueCodec(options: InteropValueCodecOptions = {}): InteropValueCodec {
  const encoder = new ValueEncoder('interop', 1024);
  const decoder = new ValueDecoder('interop', { reviveDates: options.reviveDates ?? true });
  return {
    encode: (value) => Buffer.from(encoder.encode(value)),
    decode: (bytes) => {
      try {
        return decoder.decode(bytes);
      } catch (error) {
        return rethrowWithFrameDiagnosis(bytes, error);
      }
    },
  };
}
