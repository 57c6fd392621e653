/**
 * The serializer interface: turns a value into bytes and back. The codec adds the integrity
 * envelope and encryption around it, so a serializer only deals with its own format.
 */

/** A value ↔ bytes format. Implement it to store types the built-in serializers do not. */
export interface Serializer {
  /**
   * Stable name. Part of the key code (`x` + 4 hex of `<custom>:{name}` unless `code` is
   * given) and of the envelope's format tag, so renaming a serializer orphans its entries.
   */
  readonly name: string;
  /** Key code: one lowercase letter or `x` + 4 hex digits. Built-ins use `s`, `o`, `a`, `w`. */
  readonly code?: string;
  /** Envelope format tag checked on read (default `custom:{name}`). */
  readonly format?: string;
  /** Bytes of `value`; throw (any error) when it cannot be stored. */
  serialize(value: unknown): Uint8Array;
  /** The value of `bytes`; throw when they are not a value of this format. */
  deserialize(bytes: Uint8Array): unknown;
  /**
   * Optional fast path: like `serialize`, but the bytes only need to stay valid until the next
   * call (a view of a reused buffer). The codec consumes them before calling again.
   */
  serializeTransient?(value: unknown): Uint8Array;
}

/**
 * A serializer that stops writing once its output passes a byte limit, so an oversized value is
 * never serialized whole (the built-in MessagePack ones; internal, the codec looks for it).
 */
export interface LimitedSerializer extends Serializer {
  /** `serializeTransient`, refusing (SerializationError `ERR_VALUE_TOO_LARGE`) as soon as the bytes pass `maxBytes`. */
  serializeTransientWithin(value: unknown, maxBytes: number): Uint8Array;
}

/** True for a serializer that can stop at a byte limit. */
export function isLimitedSerializer(serializer: Serializer): serializer is LimitedSerializer {
  return typeof (serializer as Partial<LimitedSerializer>).serializeTransientWithin === 'function';
}

/** Names of the built-in serializers, as accepted by `createCodec({ serializer })`. */
export type SerializerName = 'standard' | 'json' | 'auto' | 'arrow';

/** Serializer names accepted as aliases (cachekit-py's spellings). */
export const SERIALIZER_ALIASES: Readonly<Record<string, SerializerName>> = {
  standard: 'standard',
  default: 'standard',
  std: 'standard',
  json: 'json',
  orjson: 'json',
  auto: 'auto',
  pythonic: 'auto',
  arrow: 'arrow',
};
