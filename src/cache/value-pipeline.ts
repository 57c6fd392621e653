/**
 * The codec split at the L1 boundary. `serialize`/`deserialize` are the serializer alone (pure
 * JS, used on L1 hits); `seal`/`open` add the integrity envelope and encryption (native, used
 * for L2). Encrypted caches keep sealed bytes in L1 too, so plaintext never rests in memory.
 */
import { CachekitError, SerializationError } from '../errors';
import { EnvelopeStep } from '../codec/envelope';
import type { EncryptionContext, ValueEncryptor } from '../codec/encryption';
import { ValueDecoder } from '../codec/msgpack/value-decoder';
import { ValueEncoder } from '../codec/msgpack/value-encoder';
import type { FramedEncryptor } from '../encryption/framed-encryptor';
import { rethrowWithFrameDiagnosis } from '../codec/python-frame';
import { resolveSerializer } from '../codec/serializers/resolve';
import type { Serializer } from '../codec/serializers/serializer';
import { serializerCode } from '../keys/serializer-code';
import type { EntryContext, ValuePipeline } from './ports';

/** Options of `createValuePipeline`. */
export interface ValuePipelineOptions {
  /** Serializer option (name or object); validated by the codec's resolver. */
  serializer: unknown;
  /** Integrity envelope on or off. */
  integrity: boolean;
  /** Encryption step, when the cache is secure. */
  encryption?: FramedEncryptor | undefined;
}

const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Builds the pipeline of one cached function (throws ConfigurationError for bad options). */
export function createValuePipeline(options: ValuePipelineOptions): ValuePipeline {
  const serializer: Serializer = resolveSerializer(options.serializer);
  const format = serializer.format ?? `custom:${serializer.name}`;
  const envelope = options.integrity ? new EnvelopeStep() : undefined;
  const encryption = options.encryption;
  const encryptionContext = (context: EntryContext): EncryptionContext => ({
    key: context.logicalKey,
    tenant: context.tenant,
    format,
    compressed: options.integrity,
  });

  return {
    serializerCode: serializerCode(serializer),
    l1HoldsSealed: encryption !== undefined,
    encrypted: encryption !== undefined,
    ...(encryption === undefined
      ? {}
      : { sealedWithPreviousKey: (stored: Buffer, context: EntryContext) => encryption.sealedWithPreviousKey(stored, encryptionContext(context)) }),

    serialize(value) {
      let bytes: unknown;
      try {
        bytes = serializer.serialize(value);
      } catch (error) {
        if (error instanceof SerializationError) throw error;
        throw new SerializationError(`Serializer "${serializer.name}" could not serialize the value: ${(error as Error)?.message ?? String(error)}`, {
          cause: error,
        });
      }
      if (!(bytes instanceof Uint8Array)) {
        throw new SerializationError(`Serializer "${serializer.name}" returned ${typeof bytes} instead of a Uint8Array`);
      }
      return asBuffer(bytes);
    },

    deserialize(bytes) {
      try {
        return serializer.deserialize(bytes);
      } catch (error) {
        if (error instanceof CachekitError) throw error;
        throw new SerializationError(`Serializer "${serializer.name}" could not deserialize the bytes: ${(error as Error)?.message ?? String(error)}`, {
          code: 'ERR_DESERIALIZATION',
          cause: error,
        });
      }
    },

    seal(serialized, context) {
      const stored = envelope ? envelope.store(serialized, format) : serialized;
      return encryption ? encryption.encrypt(stored, encryptionContext(context)) : stored;
    },

    open(stored, context) {
      try {
        const plaintext = encryption ? encryption.decrypt(stored, encryptionContext(context)) : stored;
        return envelope ? envelope.retrieve(plaintext, format) : plaintext;
      } catch (error) {
        return rethrowWithFrameDiagnosis(stored, error);
      }
    },
  };
}

/** The protocol's interop AAD inputs besides tenant and key: always msgpack, never compressed. */
const INTEROP_FORMAT = 'msgpack';

/**
 * The interop/v1 pipeline: one plain MessagePack document (no envelope, no frame) that every
 * cachekit SDK reads, optionally as the bare AES-256-GCM ciphertext of those bytes with the
 * four-component AAD (tenant, key, "msgpack", "False").
 */
export function createInteropPipeline(encryption: ValueEncryptor | undefined): ValuePipeline {
  const encoder = new ValueEncoder('interop', 1024);
  const decoder = new ValueDecoder('interop', { reviveDates: true });
  const encryptionContext = (context: EntryContext): EncryptionContext => ({
    key: context.logicalKey,
    tenant: context.tenant,
    format: INTEROP_FORMAT,
    compressed: false,
  });
  return {
    serializerCode: 's',
    l1HoldsSealed: encryption !== undefined,
    encrypted: encryption !== undefined,
    serialize(value) {
      try {
        return Buffer.from(encoder.encode(value));
      } catch (error) {
        if (error instanceof CachekitError) throw error;
        throw new SerializationError(`The value has no interop form: ${(error as Error)?.message ?? String(error)}`, { cause: error });
      }
    },
    deserialize(bytes) {
      return decoder.decode(bytes);
    },
    seal(serialized, context) {
      return encryption ? encryption.encrypt(serialized, encryptionContext(context)) : serialized;
    },
    open(stored, context) {
      try {
        return encryption ? encryption.decrypt(stored, encryptionContext(context)) : stored;
      } catch (error) {
        return rethrowWithFrameDiagnosis(stored, error);
      }
    },
  };
}
