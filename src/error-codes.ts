/**
 * Every stable error `code` cachekit and its native core use, in one table: where the code
 * comes from, what it means to the reliability layer, and (for stored bytes that failed to
 * open) which integrity reason metrics label it with. `NativeErrorCode`, the codec's codes,
 * `classifyError` and `integrityReason` are all read from here, so a code cannot be known to
 * one of them and missing from another. The lowest module of `src/`: it imports nothing.
 */

/** How a backend failure should be treated by the reliability layer. */
export type BackendErrorKind = 'transient' | 'permanent' | 'timeout' | 'authentication' | 'unknown';

/** What a failure means to the reliability layer: a backend kind, or bad stored bytes (a miss). */
export type ErrorCategory = BackendErrorKind | 'integrity';

/** The reasons a stored entry fails to open, as metrics label them (a small, fixed set). */
export const INTEGRITY_REASONS = ['checksum', 'decrypt', 'mac', 'envelope', 'decode', 'other'] as const;

/** One of `INTEGRITY_REASONS`. */
export type IntegrityReason = (typeof INTEGRITY_REASONS)[number];

/** What the table knows of one code. */
export interface ErrorCodeInfo {
  /** `native`: thrown by the Rust core; `codec`: by the TypeScript codec; `cachekit`: by the library's error classes. */
  readonly origin: 'native' | 'codec' | 'cachekit';
  /** What the reliability layer does with it; `integrity` is a counted miss, never a backend failure. */
  readonly category: ErrorCategory;
  /** For `integrity` codes: the metrics label. */
  readonly reason?: Exclude<IntegrityReason, 'other'>;
}

const native = <C extends ErrorCategory>(category: C) => ({ origin: 'native', category }) as const;
const codec = <C extends ErrorCategory>(category: C) => ({ origin: 'codec', category }) as const;
const cachekit = <C extends ErrorCategory>(category: C) => ({ origin: 'cachekit', category }) as const;
const bad = <O extends ErrorCodeInfo['origin'], R extends ErrorCodeInfo['reason']>(origin: O, reason: R) =>
  ({ origin, category: 'integrity', reason }) as const;

/**
 * The codes. Codes about stored bytes are `integrity`; codes meaning a programming or
 * configuration mistake are `unknown` (no shape the breaker could learn from, as before there
 * was a table). Node's own `ERR_*` codes are deliberately absent: they mean a bug, not bad data.
 */
export const ERROR_CODES = {
  // Native core: what each code means is on NativeErrorCode, below.
  ERR_INPUT_TOO_LARGE: bad('native', 'envelope'),
  ERR_DECODE_BOUNDS: bad('native', 'envelope'),
  ERR_DESERIALIZATION_FAILED: bad('native', 'envelope'),
  ERR_DECOMPRESSION_BOMB: bad('native', 'envelope'),
  ERR_DECOMPRESSION_FAILED: bad('native', 'envelope'),
  ERR_CHECKSUM_MISMATCH: bad('native', 'checksum'),
  ERR_SIZE_MISMATCH: bad('native', 'checksum'),
  ERR_COMPRESSION_FAILED: native('unknown'),
  ERR_INVALID_KEY_LENGTH: native('unknown'),
  ERR_INVALID_MASTER_KEY_HEX: native('unknown'),
  ERR_WEAK_MASTER_KEY: native('unknown'),
  ERR_INVALID_DOMAIN: native('unknown'),
  ERR_INVALID_TENANT_SALT: native('unknown'),
  ERR_TOO_MANY_PREVIOUS_KEYS: native('unknown'),
  ERR_DUPLICATE_MASTER_KEY: native('unknown'),
  ERR_UNKNOWN_ALGORITHM: native('unknown'),
  ERR_INVALID_AAD: native('unknown'),
  ERR_CIPHERTEXT_TOO_SHORT: bad('native', 'decrypt'),
  ERR_AUTHENTICATION_FAILED: bad('native', 'decrypt'),
  ERR_NONCE_EXHAUSTED: native('unknown'),
  ERR_UNKNOWN_KEY_FINGERPRINT: bad('native', 'decrypt'),
  ERR_NOT_KEYED_ENTRY: bad('native', 'mac'),
  ERR_MAC_MISMATCH: bad('native', 'mac'),
  ERR_RANDOM_UNAVAILABLE: native('unknown'),
  ERR_ENCRYPTION_FAILED: native('unknown'),
  ERR_OUT_OF_MEMORY: native('unknown'),
  ERR_INVALID_ARGUMENT: native('unknown'),

  // The TypeScript codec.
  /** SerializationError on write: the value (at the named path) has no form in this serializer. */
  ERR_SERIALIZATION_UNSUPPORTED: codec('unknown'),
  /** SerializationError on write: the serialized value exceeds `maxValueBytes` or the 512 MiB envelope limit. */
  ERR_VALUE_TOO_LARGE: codec('unknown'),
  /** SerializationError on read: well-formed bytes that are not a value of the serializer. */
  ERR_DESERIALIZATION: bad('codec', 'decode'),
  /** IntegrityError: the envelope was written by another serializer (its format tag differs). */
  ERR_FORMAT_MISMATCH: bad('codec', 'envelope'),
  /** IntegrityError: a cachekit-py CK frame; share data with Python through interop mode. */
  ERR_PYTHON_FRAME: bad('codec', 'envelope'),
  /** DecryptionError: an encrypted cache read bytes that are not a sealed frame. */
  ERR_NOT_ENCRYPTED: bad('codec', 'decrypt'),

  // The library's error classes (src/errors.ts and beside it).
  /** ConfigurationError: an option, environment variable or preset combination is invalid. */
  ERR_CONFIGURATION: cachekit('unknown'),
  /** KeyGenerationError: arguments could not form a deterministic key. */
  ERR_KEY_GENERATION: cachekit('unknown'),
  /** SerializationError without a more specific code. */
  ERR_SERIALIZATION: cachekit('unknown'),
  /** IntegrityError without a more specific code. */
  ERR_INTEGRITY: bad('cachekit', 'envelope'),
  /** EncryptionError without a more specific code. */
  ERR_ENCRYPTION: cachekit('unknown'),
  /** DecryptionError without a more specific code. */
  ERR_DECRYPTION: bad('cachekit', 'decrypt'),
  /** FactoryTimeoutError: a call stopped waiting for the cached function. */
  ERR_FACTORY_TIMEOUT: cachekit('timeout'),
  /** TenantError: a call of a multi-tenant cache has no valid tenant. */
  ERR_TENANT: cachekit('unknown'),
  /** The native binary for this platform is missing (thrown on load). */
  ERR_NATIVE_BINDING_MISSING: cachekit('unknown'),
  /** BackendError of each kind: the code is `ERR_BACKEND_` + the kind. */
  ERR_BACKEND_TRANSIENT: cachekit('transient'),
  ERR_BACKEND_PERMANENT: cachekit('permanent'),
  ERR_BACKEND_TIMEOUT: cachekit('timeout'),
  ERR_BACKEND_AUTHENTICATION: cachekit('authentication'),
  ERR_BACKEND_UNKNOWN: cachekit('unknown'),
} as const satisfies Readonly<Record<`ERR_${string}`, ErrorCodeInfo>>;

/** One code of the table. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The table's entry for `code`, or `undefined` for a code it does not hold (Node's, a driver's). */
export function errorCodeInfo(code: string): ErrorCodeInfo | undefined {
  return Object.hasOwn(ERROR_CODES, code) ? ERROR_CODES[code as ErrorCode] : undefined;
}

type CodeOf<O extends ErrorCodeInfo['origin']> = { [K in ErrorCode]: (typeof ERROR_CODES)[K]['origin'] extends O ? K : never }[ErrorCode];

/**
 * Stable `code`s of the errors the native core throws, each with what it means. Branch on
 * these, never on messages. How each is classified is its row of {@link ERROR_CODES}; the
 * compiler holds the two to the same codes (and the public types stay free of the table).
 */
export const NativeErrorCode = {
  /** An input, compressed block, envelope, plaintext or declared size is over the 512 MiB cap (or a payload over the reader's `maxValueBytes`). */
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
  /** A hex master key is not exactly 64 hex digits (no spaces, prefixes or line breaks). */
  INVALID_MASTER_KEY_HEX: 'ERR_INVALID_MASTER_KEY_HEX',
  /** A master key of 32 zero bytes: a placeholder or an unfilled buffer, not a secret. */
  WEAK_MASTER_KEY: 'ERR_WEAK_MASTER_KEY',
  /** The HKDF domain is empty or longer than 255 bytes. */
  INVALID_DOMAIN: 'ERR_INVALID_DOMAIN',
  /** The tenant salt (tenant id) is empty or longer than 1024 bytes. */
  INVALID_TENANT_SALT: 'ERR_INVALID_TENANT_SALT',
  /** More than three previous master keys were given. */
  TOO_MANY_PREVIOUS_KEYS: 'ERR_TOO_MANY_PREVIOUS_KEYS',
  /** A previous master key repeats the current key or another previous key. */
  DUPLICATE_MASTER_KEY: 'ERR_DUPLICATE_MASTER_KEY',
  /** The algorithm is neither `aes-256-gcm` nor `chacha20-poly1305` (from the codec: a stored entry names an unknown cipher, thrown as a DecryptionError). */
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
  /** Keyed integrity: the stored bytes carry no MAC frame (an unkeyed or foreign entry). */
  NOT_KEYED_ENTRY: 'ERR_NOT_KEYED_ENTRY',
  /** Keyed integrity: the tag did not verify (altered, moved to another key or tenant, or forged). */
  MAC_MISMATCH: 'ERR_MAC_MISMATCH',
  /** The system random source failed while seeding nonces. */
  RANDOM_UNAVAILABLE: 'ERR_RANDOM_UNAVAILABLE',
  /** Encryption was refused (only for lengths past the algorithm's limit). */
  ENCRYPTION_FAILED: 'ERR_ENCRYPTION_FAILED',
  /** The engine could not allocate an output Buffer. */
  OUT_OF_MEMORY: 'ERR_OUT_OF_MEMORY',
  /** An argument has the wrong length or shape (e.g. constructing TenantKeys directly). */
  INVALID_ARGUMENT: 'ERR_INVALID_ARGUMENT',
} as const;

/** One of the {@link NativeErrorCode} values. */
export type NativeErrorCode = (typeof NativeErrorCode)[keyof typeof NativeErrorCode];

/** Compiles only while the table's native rows and {@link NativeErrorCode} name the same codes. */
const NATIVE_ROWS_MATCH: [CodeOf<'native'>] extends [NativeErrorCode] ? ([NativeErrorCode] extends [CodeOf<'native'>] ? true : never) : never = true;
void NATIVE_ROWS_MATCH;
