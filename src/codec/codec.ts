/**
 * The value pipeline, one object per cached function:
 *
 *   encode = seal(serialize(value)):  serializer → envelope (integrity on) → encryption or MAC
 *   decode = deserialize(open(bytes)): decryption or MAC check → envelope check → bounded deserialize
 *
 * The halves are exposed too, for an L1 that keeps serialized (or sealed) bytes: `serialize` /
 * `deserialize` are the serializer alone, `seal` / `open` the envelope and encryption.
 *
 * Decoding either returns the value that was encoded or throws: `IntegrityError` (checksum,
 * size, format, decode bounds and budget, a cachekit-py frame, a payload over `maxValueBytes`),
 * `DecryptionError` (does not authenticate for this key/tenant) or `SerializationError` (not a
 * value of the serializer). The caller turns every one of them into a miss.
 */
import { CachekitError, ConfigurationError, SerializationError } from '../errors';
import { type SerializerIdentity, serializerCode as codeOf } from '../keys/serializer-code';
import type { ValueAuthenticator } from '../encryption/value-encryptor';
import { type EntryContext, type EntryLayout, type ValueEncryptor, tenantOf } from '../encryption/value-encryptor';
import { EnvelopeStep } from './envelope';
import { rethrowWithFrameDiagnosis } from './python-frame';
import { xxh3_64 } from '../native';
import { resolveSerializer } from './serializers/resolve';
import { isLimitedSerializer, type Serializer, type SerializerName } from './serializers/serializer';
import { checkMaxValueBytes, refuseOversizedPayload, refuseOversizedValue } from './value-size';
import { BoundedMemo } from '../collections/bounded-memo';

/** Which entry an encode/decode belongs to (the one context type, from `encryption/`). */
export type { EntryContext } from '../encryption/value-encryptor';

/** Options of {@link createCodec}. */
export interface CodecOptions {
  /** A built-in serializer name (or cachekit-py alias) or a Serializer object. Default `standard`. */
  readonly serializer?: SerializerName | 'default' | 'std' | 'orjson' | 'pythonic' | Serializer;
  /** Wrap values in the checksummed envelope (default true). Off: bytes are stored as serialized. */
  readonly integrity?: boolean;
  /** Encrypt stored bytes (see `createTenantKeysEncryptor`). */
  readonly encryption?: ValueEncryptor | undefined;
  /**
   * Keyed integrity for plaintext: frame stored bytes with a MAC bound to tenant and key (see
   * `createKeyedAuthenticator`). Not with `encryption`, which authenticates already.
   */
  readonly authenticator?: ValueAuthenticator | undefined;
  /**
   * Bind plaintext envelopes to their tenant and key: the envelope's format tag becomes
   * `{format}|k:{xxh3-64 of tenant and key}`, so a valid entry copied under another key fails
   * its check instead of reading as that key's value. Ignored with encryption or an
   * authenticator, whose AAD already binds the key. Default false (plain protocol envelopes).
   */
  readonly bindKey?: boolean;
  /** Values at least this many bytes use the thread pool in the async methods. Default 1 MiB. */
  readonly asyncThreshold?: number;
  /**
   * Largest serialized value, in bytes. Encoding a larger one throws a SerializationError
   * (`ERR_VALUE_TOO_LARGE`; the MessagePack serializers stop writing at the limit); decoding
   * stored bytes whose payload is larger throws an IntegrityError (`ERR_INPUT_TOO_LARGE`), for
   * an envelope before its payload is allocated. Default: no limit but the envelope's 512 MiB.
   */
  readonly maxValueBytes?: number;
}

/**
 * The two halves of a codec, split where an L1 that keeps bytes needs them: the serializer
 * alone (pure JS) and the byte work around it (envelope, encryption or MAC). `In` is what the
 * byte-taking steps accept: any `Uint8Array` for a codec, Buffers for a cache's pipeline.
 */
export interface CodecHalves<In extends Uint8Array = Uint8Array> {
  /** The serializer's bytes of `value` (owned by the caller): pure JS, no native call. Throws `SerializationError`. */
  serialize(value: unknown): Buffer;
  /** The value of serializer bytes (bounded decode); throws `IntegrityError` or `SerializationError` on bad bytes. */
  deserialize(serialized: In): unknown;
  /** Envelope + encryption (or MAC) around serializer bytes: the stored form. */
  seal(serialized: In, context: EntryContext): Buffer;
  /** Decryption (or MAC check) + envelope check: the serializer bytes inside stored bytes. */
  open(stored: In, context: EntryContext): Buffer;
  /** `seal`, with the envelope step on the thread pool for large values. `serialized` must not change meanwhile. */
  sealAsync(serialized: In, context: EntryContext): Promise<Buffer>;
  /** `open`, with the envelope step on the thread pool for large values. `stored` must not change meanwhile. */
  openAsync(stored: In, context: EntryContext): Promise<Buffer>;
}

/** Encodes values to stored bytes and back, for one serializer/integrity/encryption setting. */
export interface Codec extends CodecHalves {
  /** The serializer's key code (`s`, `o`, `a`, `w` or `x…`), for the key builder. */
  readonly serializerCode: string;
  /** The serializer's name. */
  readonly serializerName: string;
  /** The envelope format tag (and AAD format) of the serializer. */
  readonly format: string;
  /** Whether the integrity envelope is on (the key's `1`/`0`). */
  readonly integrity: boolean;
  /** Whether stored bytes are encrypted. */
  readonly encrypted: boolean;

  /** Stored bytes of `value` (a Buffer the caller owns). */
  encode(value: unknown, context: EntryContext): Buffer;
  /** The value of `stored`, or a thrown IntegrityError / DecryptionError / SerializationError. */
  decode(stored: Uint8Array, context: EntryContext): unknown;
  /** `encode`, with the envelope step off the main thread for large values. */
  encodeAsync(value: unknown, context: EntryContext): Promise<Buffer>;
  /** `decode`, with the envelope step off the main thread for large values. `stored` must not change meanwhile. */
  decodeAsync(stored: Uint8Array, context: EntryContext): Promise<unknown>;

  /**
   * Computes and remembers what the next `open` or `seal` under `context` needs (the
   * key-bound format tag), so a caller can do it while it waits for the stored bytes.
   */
  prepare(context: EntryContext): void;
}

/** Stored (compressed) bytes at least `threshold / this` are opened on the thread pool. */
export const COMPRESSED_SIZE_FACTOR = 8;

/** Default size from which the async methods move envelope work to the libuv pool. */
export const DEFAULT_ASYNC_THRESHOLD = 1024 * 1024;

/** Most key-bound format tags remembered per codec before the memo starts over. */
const BOUND_FORMAT_MEMO_LIMIT = 4096;

/** Separates a key-bound envelope's format from the hash of its tenant and key. */
export const KEY_BOUND_FORMAT_SEPARATOR = '|k:';

/**
 * The format tag of a key-bound envelope (`bindKey`): `{format}|k:{xxh3-64 hex of tenant and
 * key}`. Tools that check stored entries compare an envelope's tag with it.
 */
export function keyBoundFormat(format: string, context: EntryContext): string {
  return `${format}${KEY_BOUND_FORMAT_SEPARATOR}${xxh3_64(Buffer.from(`${tenantOf(context)}\n${context.key}`, 'utf8')).toString('hex')}`;
}

const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Creates the codec of one cached function; validates the options (ConfigurationError). */
export function createCodec(options: CodecOptions = {}): Codec {
  const serializer = resolveSerializer(options.serializer ?? 'standard');
  const integrity = options.integrity ?? true;
  if (typeof integrity !== 'boolean') {
    throw new ConfigurationError(`integrity: expected true or false, got ${JSON.stringify(integrity)}`);
  }
  const { encryption } = options;
  if (encryption !== undefined && (typeof encryption?.encrypt !== 'function' || typeof encryption?.decrypt !== 'function')) {
    throw new ConfigurationError('encryption: expected a ValueEncryptor ({ encrypt, decrypt }); see createTenantKeysEncryptor');
  }
  const { authenticator } = options;
  if (authenticator !== undefined && (typeof authenticator?.sign !== 'function' || typeof authenticator?.verify !== 'function')) {
    throw new ConfigurationError('authenticator: expected a ValueAuthenticator ({ sign, verify }); see createKeyedAuthenticator');
  }
  if (authenticator !== undefined && encryption !== undefined) {
    throw new ConfigurationError('encryption and authenticator cannot be combined: encryption already authenticates every entry. Fix: pass only encryption.');
  }
  const asyncThreshold = options.asyncThreshold ?? DEFAULT_ASYNC_THRESHOLD;
  const maxValueBytes = checkMaxValueBytes(options.maxValueBytes);
  const serializeWithin = maxValueBytes !== undefined && isLimitedSerializer(serializer) ? serializer.serializeTransientWithin.bind(serializer) : undefined;
  const format = serializer.format ?? `custom:${serializer.name}`;
  const code = codeOf(serializer as SerializerIdentity);
  const envelope = integrity ? new EnvelopeStep() : undefined;
  const serializeTransient = serializer.serializeTransient?.bind(serializer);

  const bindKey = options.bindKey === true && encryption === undefined && authenticator === undefined;
  const boundFormat = (context: EntryContext): string => keyBoundFormat(format, context);
  // Key-bound tags are memoised by key: the hash (a Buffer, a native call, hex) cost about a
  // third of a microsecond on every L2 read of the same keys. A cache computes the tag of a key
  // while its read is in flight (`prepare`), so both the open of a hit and the seal after a
  // miss find it here. A seal of a key nobody prepared computes it without storing it.
  const boundFormats = new BoundedMemo<string, { tenant: string; format: string }>(BOUND_FORMAT_MEMO_LIMIT);
  const knownFormat = (context: EntryContext): string | undefined => {
    const known = boundFormats.get(context.key);
    return known !== undefined && known.tenant === tenantOf(context) ? known.format : undefined;
  };
  /** The envelope's format tag for an entry being read (key-bound when `bindKey`), memoised. */
  const readFormat = (context: EntryContext): string => {
    if (!bindKey) return format;
    const known = knownFormat(context);
    if (known !== undefined) return known;
    const bound = boundFormat(context);
    boundFormats.remember(context.key, { tenant: tenantOf(context), format: bound });
    return bound;
  };
  /** The envelope's format tag for an entry being written. */
  const writeFormat = (context: EntryContext): string => (bindKey ? knownFormat(context) ?? boundFormat(context) : format);

  /** What the AAD binds besides the entry: the same for every entry of this codec. */
  const layout: EntryLayout = { format, compressed: integrity };

  /** Serializer output; a transient view when `transientOk` and the next step copies it. */
  const runSerializer = (value: unknown, transientOk: boolean): Uint8Array => {
    let bytes: unknown;
    try {
      if (serializeWithin !== undefined) {
        // Stops writing at the limit; the view is copied unless the next step copies it anyway.
        const view = serializeWithin(value, maxValueBytes as number);
        bytes = transientOk ? view : Buffer.from(view);
      } else {
        bytes = transientOk && serializeTransient ? serializeTransient(value) : serializer.serialize(value);
      }
    } catch (error) {
      if (error instanceof SerializationError) throw error;
      throw new SerializationError(`Serializer "${serializer.name}" could not serialize the value: ${(error as Error)?.message ?? String(error)}`, {
        cause: error,
      });
    }
    if (!(bytes instanceof Uint8Array)) {
      throw new SerializationError(`Serializer "${serializer.name}" returned ${typeof bytes} instead of a Uint8Array`);
    }
    refuseOversizedValue(bytes.length, maxValueBytes);
    return bytes;
  };

  const runDeserializer = (payload: Uint8Array): unknown => {
    refuseOversizedPayload(payload.length, maxValueBytes);
    try {
      return serializer.deserialize(payload);
    } catch (error) {
      if (error instanceof CachekitError) throw error;
      throw new SerializationError(`Serializer "${serializer.name}" could not deserialize the bytes: ${(error as Error)?.message ?? String(error)}`, {
        code: 'ERR_DESERIALIZATION',
        cause: error,
      });
    }
  };

  /** The step around the envelope — encryption or keyed integrity — when there is one. */
  const protect: ((bytes: Buffer, context: EntryContext) => Buffer) | undefined = encryption
    ? (bytes, context) => encryption.encrypt(bytes, context, layout)
    : authenticator
      ? (bytes, context) => authenticator.sign(bytes, context, layout)
      : undefined;
  const unprotect: ((stored: Buffer, context: EntryContext) => Buffer) | undefined = encryption
    ? (stored, context) => encryption.decrypt(stored, context, layout)
    : authenticator
      ? (stored, context) => authenticator.verify(stored, context, layout)
      : undefined;

  /** Envelope (when on) then encryption or keyed integrity (when on); `bytes` may be a transient view. */
  const sealBytes = (bytes: Uint8Array, context: EntryContext, owned: boolean): Buffer => {
    // Without an envelope or an outer step the serializer's bytes are what is stored: they must be owned.
    const stored = envelope ? envelope.store(bytes, writeFormat(context)) : owned || protect ? asBuffer(bytes) : Buffer.from(bytes);
    return protect ? protect(stored, context) : stored;
  };

  const decrypt = (stored: Uint8Array, context: EntryContext): Buffer => (unprotect ? unprotect(asBuffer(stored), context) : asBuffer(stored));

  /** The serializer bytes inside decrypted bytes: the envelope's payload, or the bytes themselves. */
  const unwrap = (plaintext: Buffer, context: EntryContext): Buffer => {
    if (envelope) return envelope.retrieve(plaintext, readFormat(context), maxValueBytes);
    refuseOversizedPayload(plaintext.length, maxValueBytes);
    return plaintext;
  };

  return {
    serializerCode: code,
    serializerName: serializer.name,
    format,
    integrity,
    encrypted: encryption !== undefined,

    encode(value, context) {
      return sealBytes(runSerializer(value, true), context, false);
    },

    decode(stored, context) {
      try {
        return runDeserializer(unwrap(decrypt(stored, context), context));
      } catch (error) {
        return rethrowWithFrameDiagnosis(stored, error);
      }
    },

    async encodeAsync(value, context) {
      const bytes = runSerializer(value, true);
      if (!envelope || bytes.length < asyncThreshold) return sealBytes(bytes, context, false);
      // The thread pool reads the bytes later: give it its own copy, never the reused buffer.
      const owned = serializeTransient || serializeWithin ? Buffer.from(bytes) : bytes;
      const sealed = await envelope.storeAsync(owned, writeFormat(context));
      return protect ? protect(sealed, context) : sealed;
    },

    async decodeAsync(stored, context) {
      if (!envelope || stored.length < asyncThreshold) return this.decode(stored, context);
      try {
        const plaintext = decrypt(stored, context);
        return runDeserializer(await envelope.retrieveAsync(plaintext, readFormat(context), maxValueBytes));
      } catch (error) {
        return rethrowWithFrameDiagnosis(stored, error);
      }
    },

    serialize(value) {
      return asBuffer(runSerializer(value, false));
    },

    deserialize(serialized) {
      try {
        return runDeserializer(serialized);
      } catch (error) {
        return rethrowWithFrameDiagnosis(serialized, error);
      }
    },

    seal(serialized, context) {
      return sealBytes(serialized, context, true);
    },

    open(stored, context) {
      try {
        return unwrap(decrypt(stored, context), context);
      } catch (error) {
        return rethrowWithFrameDiagnosis(stored, error);
      }
    },

    async sealAsync(serialized, context) {
      if (!envelope || serialized.length < asyncThreshold) return sealBytes(serialized, context, true);
      const sealed = await envelope.storeAsync(serialized, writeFormat(context));
      return protect ? protect(sealed, context) : sealed;
    },

    prepare(context) {
      // Only envelopes carry the tag.
      if (envelope) readFormat(context);
    },

    async openAsync(stored, context) {
      // Stored bytes are compressed: judge by a fraction of the threshold, since what the
      // thread pool saves us is the decompressed size.
      if (!envelope || stored.length < asyncThreshold / COMPRESSED_SIZE_FACTOR) return this.open(stored, context);
      try {
        return await envelope.retrieveAsync(decrypt(stored, context), readFormat(context), maxValueBytes);
      } catch (error) {
        return rethrowWithFrameDiagnosis(stored, error);
      }
    },
  };
}
