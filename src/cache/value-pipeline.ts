/**
 * The codec split at the L1 boundary. `serialize`/`deserialize` are the serializer alone (pure
 * JS, used on L1 hits); `seal`/`open` add the integrity envelope and encryption (native, used
 * for L2). Encrypted caches keep sealed bytes in L1 too, so plaintext never rests in memory.
 */
import { standardSerializer } from '../codec/serializers/msgpack-serializers';
import { SERIALIZER_ALIASES } from '../codec/serializers/serializer';
import { createCodec, DEFAULT_ASYNC_THRESHOLD, type CodecHalves, type CodecOptions } from '../codec/codec';
import { createInteropValueCodec } from '../codec/interop-value';
import type { ValueEncryptor } from '../encryption/value-encryptor';
import type { FramedEncryptor } from '../encryption/framed-encryptor';
import type { KeyedAuthenticator } from '../encryption/keyed-integrity';
import type { EntryContext, ValuePipeline } from './ports';

/** Options of `createValuePipeline`. */
export interface ValuePipelineOptions {
  /** Serializer option (name or object); validated by the codec's resolver. */
  serializer: unknown;
  /** Integrity envelope on or off. */
  integrity: boolean;
  /** Encryption step, when the cache is secure. */
  encryption?: FramedEncryptor | undefined;
  /** Largest serialized value written or read (the `maxValueBytes` option). */
  maxValueBytes: number;
  /** Keyed-integrity step, when a plaintext cache asked for one (never with encryption). */
  authenticator?: KeyedAuthenticator | undefined;
}

/** Whether a serializer option names the built-in `standard` serializer (custom ones may read back anything). */
function isStandard(option: unknown): boolean {
  if (typeof option === 'string') return Object.hasOwn(SERIALIZER_ALIASES, option) && SERIALIZER_ALIASES[option] === 'standard';
  return option === standardSerializer;
}

/** Builds the pipeline of one cached function (throws ConfigurationError for bad options). */
export function createValuePipeline(options: ValuePipelineOptions): ValuePipeline {
  const { encryption, authenticator } = options;
  // Key-bound envelopes: a plaintext entry copied under another key is a miss, not its value.
  const codec = createCodec({
    serializer: options.serializer as CodecOptions['serializer'],
    integrity: options.integrity,
    encryption,
    authenticator,
    bindKey: true,
    maxValueBytes: options.maxValueBytes,
  });
  // Both name the master key that sealed an entry, so reads under a previous key are rewritten.
  const keyedStep = encryption ?? authenticator;
  return {
    serializerCode: codec.serializerCode,
    l1HoldsSealed: encryption !== undefined,
    encrypted: encryption !== undefined,
    copiesPlainData: encryption === undefined && isStandard(options.serializer),
    ...stepsOf(codec),
    asyncThreshold: DEFAULT_ASYNC_THRESHOLD,
    prepare: (context) => codec.prepare(context),
    ...(keyedStep === undefined
      ? {}
      : { sealedWithPreviousKey: (stored: Buffer, context: EntryContext) => keyedStep.sealedWithPreviousKey(stored, context) }),
  };
}

/**
 * The interop/v1 pipeline: one plain MessagePack document (no envelope, no frame) that every
 * cachekit SDK reads, optionally as the bare AES-256-GCM ciphertext of those bytes with the
 * four-component AAD (tenant, key, "msgpack", "False"). Documents over `maxValueBytes` are
 * neither written (the encoder stops there) nor read.
 */
export function createInteropPipeline(encryption: ValueEncryptor | undefined, maxValueBytes: number): ValuePipeline {
  const codec = createInteropValueCodec({ encryption, maxValueBytes });
  return {
    serializerCode: 's',
    l1HoldsSealed: encryption !== undefined,
    encrypted: encryption !== undefined,
    ...stepsOf(codec),
    asyncThreshold: Number.POSITIVE_INFINITY,
  };
}

/** The serializer and byte steps of `codec`, each calling it (its methods may use `this`). */
function stepsOf(codec: CodecHalves): CodecHalves<Buffer> {
  return {
    serialize: (value) => codec.serialize(value),
    deserialize: (bytes) => codec.deserialize(bytes),
    seal: (serialized, context) => codec.seal(serialized, context),
    open: (stored, context) => codec.open(stored, context),
    sealAsync: (serialized, context) => codec.sealAsync(serialized, context),
    openAsync: (stored, context) => codec.openAsync(stored, context),
  };
}
