/**
 * The native core (Rust, through N-API). This module is the only place that loads the
 * generated binding; it is also published as `cachekit/native`.
 *
 * Everything here is byte-level and byte-exact with the cachekit protocol: the ByteStorage
 * envelope (LZ4 block + xxHash3-64, MessagePack), AES-256-GCM / ChaCha20-Poly1305 under
 * HKDF-SHA256 tenant keys with AAD v0x03, and the digests the protocol uses. Inputs are read
 * in place from any `Uint8Array` (Buffers included); outputs are fresh Buffers.
 *
 * Every error thrown (or rejected) here is an `Error` whose `code` is one of
 * {@link NativeErrorCode} and whose message says what was wrong.
 */
import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import type * as Generated from '../index.js';

export type {
  AadInput,
  DeriveTenantKeysOptions,
  RetrievedEnvelope,
  TenantKeysDescription,
} from '../index.js';

const requireNative = createRequire(import.meta.url);
// The generated loader sits at the package root, one level above both src/ and dist/.
const binding = requireNative('../index.js') as typeof Generated;

/**
 * Stable `code`s of the errors the native core throws, each with what it means. Branch on
 * these, never on messages.
 */
export const NativeErrorCode = {
  /** An input, compressed block, envelope, plaintext or declared size is over the 512 MiB cap. */
  INPUT_TOO_LARGE: 'ERR_INPUT_TOO_LARGE',
  /** The envelope failed the MessagePack decode-bounds pre-scan (too deep, overclaiming or incomplete). */
  DECODE_BOUNDS: 'ERR_DECODE_BOUNDS',
  /** The bytes are not a `[compressed_data, checksum, original_size, format]` envelope of the right types. */
  DESERIALIZATION_FAILED: 'ERR_DESERIALIZATION_FAILED',
  /** `compressed_data` is empty, or `original_size` exceeds 1000 × its length. */
  DECOMPRESSION_BOMB: 'ERR_DECOMPRESSION_BOMB',
  /** The LZ4 block is corrupt or decodes to more than `original_size` bytes. */
  DECOMPRESSION_FAILED: 'ERR_DECOMPRESSION_FAILED',
  /** The decompressed bytes do not match the stored xxHash3-64. */
  CHECKSUM_MISMATCH: 'ERR_CHECKSUM_MISMATCH',
  /** The block decoded to fewer bytes than `original_size` declares. */
  SIZE_MISMATCH: 'ERR_SIZE_MISMATCH',
  /** LZ4 failed to compress (not expected to happen). */
  COMPRESSION_FAILED: 'ERR_COMPRESSION_FAILED',
  /** A master key or AEAD key is not exactly 32 bytes. */
  INVALID_KEY_LENGTH: 'ERR_INVALID_KEY_LENGTH',
  /** A hex master key is not exactly 64 hex digits (reserved for hex entry points). */
  INVALID_MASTER_KEY_HEX: 'ERR_INVALID_MASTER_KEY_HEX',
  /** The HKDF domain is empty or longer than 255 bytes. */
  INVALID_DOMAIN: 'ERR_INVALID_DOMAIN',
  /** The tenant salt (tenant id) is empty or longer than 1024 bytes. */
  INVALID_TENANT_SALT: 'ERR_INVALID_TENANT_SALT',
  /** More than three previous master keys were given. */
  TOO_MANY_PREVIOUS_KEYS: 'ERR_TOO_MANY_PREVIOUS_KEYS',
  /** A previous master key repeats the current key or another previous key. */
  DUPLICATE_MASTER_KEY: 'ERR_DUPLICATE_MASTER_KEY',
  /** The algorithm is neither `aes-256-gcm` nor `chacha20-poly1305`. */
  UNKNOWN_ALGORITHM: 'ERR_UNKNOWN_ALGORITHM',
  /** An AAD component is empty (tenant id, cache key) or too long for its length prefix. */
  INVALID_AAD: 'ERR_INVALID_AAD',
  /** The input is shorter than nonce + tag (28 bytes), so it cannot be a ciphertext. */
  CIPHERTEXT_TOO_SHORT: 'ERR_CIPHERTEXT_TOO_SHORT',
  /** The tag did not verify: wrong key, AAD or algorithm, or altered bytes. */
  AUTHENTICATION_FAILED: 'ERR_AUTHENTICATION_FAILED',
  /** The key handle has used all 2^32 - 1 of its nonces; derive a new one. */
  NONCE_EXHAUSTED: 'ERR_NONCE_EXHAUSTED',
  /** `decryptWith` was given a fingerprint no key of the handle has. */
  UNKNOWN_KEY_FINGERPRINT: 'ERR_UNKNOWN_KEY_FINGERPRINT',
  /** The system random source failed while seeding nonces. */
  RANDOM_UNAVAILABLE: 'ERR_RANDOM_UNAVAILABLE',
  /** Encryption was refused (only for lengths past the algorithm's limit). */
  ENCRYPTION_FAILED: 'ERR_ENCRYPTION_FAILED',
  /** The engine could not allocate an output Buffer. */
  OUT_OF_MEMORY: 'ERR_OUT_OF_MEMORY',
  /** N-API itself failed (argument conversion and the like). */
  NATIVE: 'ERR_NATIVE',
} as const;

/** One of the {@link NativeErrorCode} values. */
export type NativeErrorCode = (typeof NativeErrorCode)[keyof typeof NativeErrorCode];

const nativeErrorCodes: ReadonlySet<string> = new Set(Object.values(NativeErrorCode));

/** Whether `error` was thrown by the native core (an `Error` carrying a {@link NativeErrorCode}). */
export function isNativeError(error: unknown): error is Error & { code: NativeErrorCode } {
  return error instanceof Error && nativeErrorCodes.has((error as { code?: unknown }).code as string);
}

/** AEAD algorithms `TenantKeys` accepts; `aes-256-gcm` is the default and the interoperable one. */
export type AeadAlgorithm = 'aes-256-gcm' | 'chacha20-poly1305';

/**
 * Stores bytes in the cachekit envelope and reads them back with every integrity and
 * decompression-bomb check of the protocol:
 * `new ByteStorage(defaultFormat?)`, `store(data, format?)`, `retrieve(envelope)`,
 * `validate(envelope)`, `estimateCompression(data)`, and `storeAsync` / `retrieveAsync`, which
 * run on the libuv pool so inputs over about 1 MB never block the event loop.
 */
export const ByteStorage = binding.ByteStorage;
/** Instance type of {@link ByteStorage}. */
export type ByteStorage = Generated.ByteStorage;

/**
 * A tenant's derived keys (from {@link deriveTenantKeys}); key bytes stay in Rust and are
 * zeroised when the handle is garbage-collected. It cannot be constructed directly.
 */
export const TenantKeys = binding.TenantKeys;
/** Instance type of {@link TenantKeys}. */
export type TenantKeys = Generated.TenantKeys;

// Inspection shows what JSON.stringify shows (tenant and fingerprint), never key bytes.
Object.defineProperty(TenantKeys.prototype, inspect.custom, {
  value(this: TenantKeys): string {
    const { tenantId, fingerprint, previousKeys } = this.toJSON();
    return `TenantKeys { tenantId: ${JSON.stringify(tenantId)}, fingerprint: '${fingerprint}', previousKeys: ${previousKeys} }`;
  },
});

/**
 * Derives a tenant's keys from a 32-byte master key (HKDF-SHA256, domains `encryption`,
 * `authentication`, `cache_keys`, salt = UTF-8 `tenantId`), plus decrypt-only keys from up to
 * three distinct `options.previousMasterKeys` for rotation.
 */
export const deriveTenantKeys: typeof Generated.deriveTenantKeys = binding.deriveTenantKeys;

/** HKDF-SHA256 domain key (32 bytes) with the cachekit salt layout; the master key must be 32 bytes. */
export const deriveDomainKey: typeof Generated.deriveDomainKey = binding.deriveDomainKey;

/** First 16 bytes of SHA-256(`"key_fingerprint_v1"` ‖ key). */
export const keyFingerprint: typeof Generated.keyFingerprint = binding.keyFingerprint;

/** AES-256-GCM under a caller-held 32-byte key: `nonce(12) ‖ ciphertext ‖ tag(16)`. Prefer {@link TenantKeys}. */
export const encryptAesGcm: typeof Generated.encryptAesGcm = binding.encryptAesGcm;

/** Verifies and decrypts an AES-256-GCM `nonce ‖ ciphertext ‖ tag` under a caller-held 32-byte key. */
export const decryptAesGcm: typeof Generated.decryptAesGcm = binding.decryptAesGcm;

/** AAD v0x03: `0x03`, then tenant id, cache key, format, `"True"`/`"False"` and the optional original type, each u32-BE length-prefixed. */
export const createAad: typeof Generated.createAad = binding.createAad;

/** BLAKE2b-256 (unkeyed) of `data`: a 32-byte Buffer. */
export const blake2b256: typeof Generated.blake2b256 = binding.blake2b256;

/**
 * Lowercase hex of BLAKE2b-256 (unkeyed) of `data` (64 characters). The key builder calls this
 * on every cached call, so the hex is produced natively rather than by `Buffer#toString`.
 */
export const blake2b256Hex: typeof Generated.blake2b256Hex = binding.blake2b256Hex;

/** BLAKE2b-128 (unkeyed) of `data`: a 16-byte Buffer, the file backend's name for a key. */
export const blake2b128: typeof Generated.blake2b128 = binding.blake2b128;

/** xxHash3-64 (seed 0) of `data` as an 8-byte big-endian Buffer (the envelope checksum). */
export const xxh3_64: typeof Generated.xxh3_64 = binding.xxh3_64;
