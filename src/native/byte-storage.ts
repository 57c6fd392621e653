/**
 * The ByteStorage envelope: LZ4 block + xxHash3-64 in MessagePack, with the protocol's
 * limits; large inputs on the thread pool.
 */
import { binding, codedError, describe, requireBytes, requireString } from './binding';

/** Protocol limits, as the native core enforces them. */
export const limits = Object.freeze({
  /** Largest payload `store` accepts and largest plaintext `encrypt` seals: 512 MiB. */
  maxUncompressedSize: binding.MAX_UNCOMPRESSED_SIZE,
  /** Largest compressed block and largest envelope: 512 MiB. */
  maxCompressedSize: binding.MAX_COMPRESSED_SIZE,
  /** Largest accepted `original_size : compressed length` ratio. */
  maxCompressionRatio: binding.MAX_COMPRESSION_RATIO,
});

/**
 * Above this many bytes, prefer `storeAsync` / `retrieveAsync`: LZ4 runs at about 1 GB/s
 * compressing, so 1 MiB holds the event loop for about a millisecond, and the thread-pool
 * hop (tens of microseconds) is then the smaller cost.
 */
export const ASYNC_THRESHOLD_BYTES = 1024 * 1024;

/** The payload and format `retrieve` recovered from an envelope. */
export interface RetrievedEnvelope {
  /** The original, decompressed payload. */
  data: Buffer;
  /** The format the envelope carried (normally `msgpack`). */
  format: string;
}

/** What an envelope declares, from {@link ByteStorage.describe}. */
export interface EnvelopeDescription {
  /** Length of the LZ4 block. */
  compressedSize: number;
  /** Decoded length the envelope declares. */
  originalSize: number;
  /** The envelope's format tag. */
  format: string;
}

/**
 * Stores bytes in the cachekit envelope — `[LZ4 block, xxHash3-64 of the input as 8 uints,
 * original size, format]` in MessagePack — and reads them back with every integrity and
 * decompression-bomb check of the protocol. Outputs are Buffers allocated at their exact size.
 * `storeAsync` / `retrieveAsync` run on the libuv pool: use them for values over about 1 MB
 * so they never block the event loop (inputs must not change until the promise settles).
 */
export class ByteStorage {
  readonly #defaultFormat: string;

  /** A storage whose `store` writes `defaultFormat` (default `"msgpack"`) when given none. */
  constructor(defaultFormat = 'msgpack') {
    requireString(defaultFormat, 'ByteStorage defaultFormat');
    this.#defaultFormat = defaultFormat;
  }

  /** The format `store` writes when the caller names none. */
  get defaultFormat(): string {
    return this.#defaultFormat;
  }

  /** Serialized envelope of `data` (at most 512 MiB), tagged with `format`. */
  store(data: Uint8Array, format: string = this.#defaultFormat): Buffer {
    requireBytes(data, 'data');
    requireString(format, 'format');
    const out = Buffer.allocUnsafe(binding.envelopeStoreBegin(data, format));
    binding.envelopeStoreFinish(out);
    return out;
  }

  /**
   * The payload and format inside `envelope`, or a coded error naming the failed check. With
   * `maxOriginalSize`, a declared payload length above it is refused (`ERR_INPUT_TOO_LARGE`)
   * before anything is allocated.
   */
  retrieve(envelope: Uint8Array, maxOriginalSize?: number): RetrievedEnvelope {
    requireBytes(envelope, 'envelope');
    const data = Buffer.allocUnsafe(binding.envelopeRetrieveBegin(envelope, sizeLimit(maxOriginalSize)));
    const format = binding.envelopeRetrieveInto(envelope, data);
    return { data, format };
  }

  /**
   * The LZ4 block length, declared original size and format of `envelope`, after every
   * retrieve check that needs no decompression (the checksum is checked by `retrieve` only).
   */
  describe(envelope: Uint8Array): EnvelopeDescription {
    requireBytes(envelope, 'envelope');
    return binding.envelopeDescribe(envelope);
  }

  /** Whether `envelope` passes every retrieve check (it is fully decompressed to tell). */
  validate(envelope: Uint8Array): boolean {
    requireBytes(envelope, 'envelope');
    return binding.envelopeValidate(envelope);
  }

  /** `data.length / compressed length`: how much `store` would shrink `data` (0 for empty input). */
  estimateCompression(data: Uint8Array): number {
    requireBytes(data, 'data');
    return binding.envelopeEstimateCompression(data);
  }

  /** {@link ByteStorage.store} on the libuv thread pool. */
  storeAsync(data: Uint8Array, format: string = this.#defaultFormat): Promise<Buffer> {
    requireBytes(data, 'data');
    requireString(format, 'format');
    return binding.envelopeStoreAsync(data, format);
  }

  /** {@link ByteStorage.retrieve} on the libuv thread pool. */
  retrieveAsync(envelope: Uint8Array, maxOriginalSize?: number): Promise<RetrievedEnvelope> {
    requireBytes(envelope, 'envelope');
    return binding.envelopeRetrieveAsync(envelope, sizeLimit(maxOriginalSize));
  }
}

/** A caller's limit on a declared payload length, as the binding takes it (a u32; none: the 512 MiB cap). */
function sizeLimit(maxOriginalSize: number | undefined): number | undefined {
  if (maxOriginalSize === undefined) return undefined;
  if (typeof maxOriginalSize !== 'number' || !(maxOriginalSize >= 0)) {
    throw codedError('ERR_INVALID_ARGUMENT', `maxOriginalSize must be a non-negative number of bytes, got ${typeof maxOriginalSize === 'number' ? maxOriginalSize : describe(maxOriginalSize)}`);
  }
  return Math.min(Math.floor(maxOriginalSize), binding.MAX_UNCOMPRESSED_SIZE);
}
