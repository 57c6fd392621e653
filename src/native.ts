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
import { inspect } from 'node:util';
import type * as Generated from '../index.js';
import { errorCodeInfo, type NativeErrorCode } from './error-codes';
import { loadNativeBinding } from './native-loader';

const binding = loadNativeBinding<typeof Generated>();

export { NativeErrorCode } from './error-codes';

/** Whether `error` was thrown by the native core (an `Error` carrying a {@link NativeErrorCode}). */
export function isNativeError(error: unknown): error is Error & { code: NativeErrorCode } {
  return error instanceof Error && errorCodeInfo((error as { code?: unknown }).code as string)?.origin === 'native';
}

/** AEAD algorithms `TenantKeys` accepts; `aes-256-gcm` is the default and the interoperable one. */
export type AeadAlgorithm = 'aes-256-gcm' | 'chacha20-poly1305';

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

/** Nonce + tag: what sealing adds to a plaintext. */
const AEAD_OVERHEAD = 28;

/**
 * Stands in for an output the native side will refuse before writing (an oversized
 * plaintext, a too-short ciphertext), so no absurd allocation happens first.
 */
const NO_OUTPUT = Buffer.alloc(0);

function codedError(code: NativeErrorCode, message: string): Error & { code: NativeErrorCode } {
  return Object.assign(new Error(message), { code });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? `a ${value.constructor?.name ?? 'object'}` : typeof value;
}

// N-API's own conversion errors ("Get TypedArray info failed") name neither the argument nor
// the fix, so public entry points check argument types first (an instanceof costs ~1 ns).
function requireBytes(value: unknown, name: string): void {
  if (!(value instanceof Uint8Array)) {
    throw codedError('ERR_INVALID_ARGUMENT', `${name} must be a Uint8Array or Buffer, got ${describe(value)}`);
  }
}

function requireString(value: unknown, name: string): void {
  if (typeof value !== 'string') {
    throw codedError('ERR_INVALID_ARGUMENT', `${name} must be a string, got ${describe(value)}`);
  }
}

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

function algorithmId(algorithm: AeadAlgorithm | undefined): number {
  if (algorithm === undefined || algorithm === 'aes-256-gcm') return 0;
  if (algorithm === 'chacha20-poly1305') return 1;
  return binding.aeadAlgorithmId(String(algorithm)); // throws ERR_UNKNOWN_ALGORITHM
}

function sealOutput(plaintext: Uint8Array): Buffer {
  return plaintext.length <= binding.MAX_UNCOMPRESSED_SIZE ? Buffer.allocUnsafe(plaintext.length + AEAD_OVERHEAD) : NO_OUTPUT;
}

function openOutput(ciphertext: Uint8Array): Buffer {
  return ciphertext.length >= AEAD_OVERHEAD ? Buffer.allocUnsafe(ciphertext.length - AEAD_OVERHEAD) : NO_OUTPUT;
}

/** What `JSON.stringify` and inspection show of a {@link TenantKeys}: never key bytes. */
export interface TenantKeysDescription {
  /** The tenant the keys belong to. */
  tenantId: string;
  /** Lowercase hex fingerprint of the current derived encryption key. */
  fingerprint: string;
  /** How many previous master keys can still decrypt. */
  previousKeys: number;
}

/** Options of {@link deriveTenantKeys}. */
export interface DeriveTenantKeysOptions {
  /**
   * Up to three earlier 32-byte master keys whose derived keys still decrypt (never
   * encrypt), for key rotation. None may repeat the current key or each other.
   */
  previousMasterKeys?: Uint8Array[];
}

const constructionToken = Symbol('cachekit native key handle');

/** What a tenant's key handles share: the tenant, the keys' fingerprints, a description without key bytes. */
abstract class TenantKeyHandleView {
  readonly #kind: string;
  readonly #tenantId: string;
  readonly #fingerprints: readonly Buffer[];

  /** Checks the construction token, so only the library's factories build handles. */
  protected constructor(token: symbol, handle: { readonly tenantId: string; fingerprints(): Buffer[] }, kind: string, factory: string) {
    if (token !== constructionToken) {
      throw codedError('ERR_INVALID_ARGUMENT', `${kind} cannot be constructed directly; call ${factory}`);
    }
    this.#kind = kind;
    this.#tenantId = handle.tenantId;
    this.#fingerprints = handle.fingerprints();
  }

  /** The tenant these keys belong to. */
  get tenantId(): string {
    return this.#tenantId;
  }

  /** Fingerprint (16 bytes) of the current key. */
  fingerprint(): Buffer {
    return Buffer.from(this.#fingerprints[0]!);
  }

  /** Fingerprints of every key: current first, then previous keys in the order given. */
  fingerprints(): Buffer[] {
    return this.#fingerprints.map((fingerprint) => Buffer.from(fingerprint));
  }

  /** The current key's fingerprint, not copied (callers must not change it). */
  protected get currentFingerprint(): Buffer {
    return this.#fingerprints[0]!;
  }

  /** Tenant id and fingerprints only — never key material. */
  toJSON(): TenantKeysDescription {
    return {
      tenantId: this.tenantId,
      fingerprint: this.#fingerprints[0]!.toString('hex'),
      previousKeys: this.#fingerprints.length - 1,
    };
  }

  /** Inspection shows what JSON shows. */
  [inspect.custom](): string {
    const { tenantId, fingerprint, previousKeys } = this.toJSON();
    return `${this.#kind} { tenantId: ${JSON.stringify(tenantId)}, fingerprint: '${fingerprint}', previousKeys: ${previousKeys} }`;
  }
}

/**
 * A tenant's derived keys, from {@link deriveTenantKeys}. Key bytes stay in Rust and are
 * zeroised when the handle is garbage-collected; JSON and inspection show only the tenant id
 * and fingerprints. Ciphertexts are `nonce(12) ‖ ciphertext ‖ tag(16)`; nonces come from this
 * handle's counter (unique per handle, `ERR_NONCE_EXHAUSTED` after 2^32 - 1 encryptions).
 */
export class TenantKeys extends TenantKeyHandleView {
  readonly #handle: InstanceType<typeof Generated.TenantKeyHandle>;

  /** Not for direct use: call {@link deriveTenantKeys}. */
  constructor(token: symbol, handle: InstanceType<typeof Generated.TenantKeyHandle>) {
    super(token, handle, 'TenantKeys', 'deriveTenantKeys()');
    this.#handle = handle;
  }

  /** Seals `plaintext` under the current key, bound to `aad`. */
  encrypt(plaintext: Uint8Array, aad: Uint8Array, algorithm?: AeadAlgorithm): Buffer {
    requireBytes(plaintext, 'plaintext');
    requireBytes(aad, 'aad');
    const out = sealOutput(plaintext);
    this.#handle.encryptInto(plaintext, aad, algorithmId(algorithm), out);
    return out;
  }

  /** Verifies and decrypts with the current key. */
  decrypt(ciphertext: Uint8Array, aad: Uint8Array, algorithm?: AeadAlgorithm): Buffer {
    requireBytes(ciphertext, 'ciphertext');
    requireBytes(aad, 'aad');
    const out = openOutput(ciphertext);
    this.#handle.decryptInto(ciphertext, aad, algorithmId(algorithm), out);
    return out;
  }

  /**
   * Verifies and decrypts with the key (current or previous) whose fingerprint is
   * `fingerprint`. No other key is tried: an unknown fingerprint is `ERR_UNKNOWN_KEY_FINGERPRINT`.
   */
  decryptWith(fingerprint: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array, algorithm?: AeadAlgorithm): Buffer {
    requireBytes(fingerprint, 'fingerprint');
    requireBytes(ciphertext, 'ciphertext');
    requireBytes(aad, 'aad');
    const out = openOutput(ciphertext);
    this.#handle.decryptWithInto(fingerprint, ciphertext, aad, algorithmId(algorithm), out);
    return out;
  }

}

/**
 * Derives a tenant's keys from a 32-byte master key: HKDF-SHA256 keys for the domains
 * `encryption`, `authentication` and `cache_keys`, salted with the UTF-8 `tenantId`
 * (1–1024 bytes), plus decrypt-only keys from up to three distinct `previousMasterKeys`.
 */
export function deriveTenantKeys(masterKey: Uint8Array, tenantId: string, options?: DeriveTenantKeysOptions): TenantKeys {
  requireBytes(masterKey, 'masterKey');
  requireString(tenantId, 'tenantId');
  const previous = options?.previousMasterKeys;
  if (previous !== undefined) {
    if (!Array.isArray(previous)) throw codedError('ERR_INVALID_ARGUMENT', `previousMasterKeys must be an array, got ${describe(previous)}`);
    previous.forEach((key, index) => requireBytes(key, `previousMasterKeys[${index}]`));
  }
  const handle = binding.deriveTenantKeyHandle(masterKey, tenantId, previous);
  return new TenantKeys(constructionToken, handle);
}

/** Bytes a keyed-integrity frame adds before its payload: magic (4), key fingerprint (16), HMAC-SHA256 tag (32). */
export const MAC_FRAME_OVERHEAD: number = binding.MAC_FRAME_OVERHEAD;
/** First bytes of a keyed-integrity frame: `ckm` and frame version 1 (the fingerprint follows). */
const MAC_MAGIC = [0x63, 0x6b, 0x6d, 0x01] as const;
/** Bytes of the key fingerprint that follows the magic. */
const MAC_FINGERPRINT_BYTES = 16;

/** Whether `bytes` are long enough for a keyed-integrity frame and start with its magic. */
function isMacFrame(bytes: Uint8Array): boolean {
  if (bytes.length < MAC_FRAME_OVERHEAD) return false;
  for (let i = 0; i < MAC_MAGIC.length; i++) if (bytes[i] !== MAC_MAGIC[i]) return false;
  return true;
}

/**
 * The key fingerprint a keyed-integrity frame names (a copy), or `undefined` when `bytes` are
 * not such a frame. Reads the header only: nothing is verified.
 */
export function macFrameFingerprint(bytes: Uint8Array): Buffer | undefined {
  requireBytes(bytes, 'bytes');
  if (!isMacFrame(bytes)) return undefined;
  return Buffer.from(bytes.subarray(MAC_MAGIC.length, MAC_MAGIC.length + MAC_FINGERPRINT_BYTES));
}

/**
 * A tenant's keyed-integrity keys, from {@link MasterKeyring.deriveTenantMacKeys}: HMAC-SHA256
 * under HKDF-derived keys (domain `integrity_mac`) of the current master key, which signs, and
 * of the previous ones, which only verify. Key bytes stay in Rust and are zeroised when the
 * handle is garbage-collected. A frame is `"ckm" 01 ‖ fingerprint(16) ‖ tag(32) ‖ payload`.
 */
export class TenantMacKeys extends TenantKeyHandleView {
  readonly #handle: InstanceType<typeof Generated.TenantMacKeyHandle>;

  /** Not for direct use: call {@link MasterKeyring.deriveTenantMacKeys}. */
  constructor(token: symbol, handle: InstanceType<typeof Generated.TenantMacKeyHandle>) {
    super(token, handle, 'TenantMacKeys', 'MasterKeyring#deriveTenantMacKeys()');
    this.#handle = handle;
  }

  /** `payload` framed with a tag under the current key, bound to `aad`. */
  seal(payload: Uint8Array, aad: Uint8Array): Buffer {
    requireBytes(payload, 'payload');
    requireBytes(aad, 'aad');
    const out = payload.length <= binding.MAX_COMPRESSED_SIZE ? Buffer.allocUnsafe(payload.length + MAC_FRAME_OVERHEAD) : NO_OUTPUT;
    this.#handle.sealInto(payload, aad, out);
    return out;
  }

  /**
   * The payload of `framed` (a view into it) once its tag verifies under the key its
   * fingerprint names and `aad`; otherwise `ERR_NOT_KEYED_ENTRY`, `ERR_UNKNOWN_KEY_FINGERPRINT`
   * or `ERR_MAC_MISMATCH`.
   */
  verify(framed: Uint8Array, aad: Uint8Array): Buffer {
    requireBytes(framed, 'framed');
    requireBytes(aad, 'aad');
    this.#handle.verify(framed, aad);
    return Buffer.from(framed.buffer, framed.byteOffset + MAC_FRAME_OVERHEAD, framed.byteLength - MAC_FRAME_OVERHEAD);
  }

  /**
   * Whether `framed` names a previous master key's MAC key (false for anything that is not a
   * frame). Read here from the header: every L2 hit asks, and a native call would cost more
   * than comparing 20 bytes.
   */
  signedWithPreviousKey(framed: Uint8Array): boolean {
    requireBytes(framed, 'framed');
    if (!isMacFrame(framed)) return false;
    const current = this.currentFingerprint;
    for (let i = 0; i < current.length; i++) if (framed[MAC_MAGIC.length + i] !== current[i]) return true;
    return false;
  }

}

/** A master key as configuration gives it: 64 hex digits, or 32 bytes (copied, not kept). */
export type MasterKeyInput = string | Uint8Array;

/**
 * A cache's master keys — the current one and up to three previous ones of a rotation — held
 * in Rust only (zeroised when the keyring is garbage-collected) and never returned. Tenants'
 * encryption and keyed-integrity keys are derived from it on demand, so nothing in JavaScript
 * needs to keep key bytes. Created by {@link loadMasterKeyring}.
 */
export class MasterKeyring {
  readonly #handle: InstanceType<typeof Generated.MasterKeyringHandle>;

  /** Not for direct use: call {@link loadMasterKeyring}. */
  constructor(token: symbol, handle: InstanceType<typeof Generated.MasterKeyringHandle>) {
    if (token !== constructionToken) {
      throw codedError('ERR_INVALID_ARGUMENT', 'MasterKeyring cannot be constructed directly; call loadMasterKeyring()');
    }
    this.#handle = handle;
  }

  /** How many previous (read-only) keys the keyring holds. */
  get previousKeyCount(): number {
    return this.#handle.previousKeyCount;
  }

  /** The encryption keys of `tenantId` (1–1024 UTF-8 bytes), as {@link deriveTenantKeys} derives them. */
  deriveTenantKeys(tenantId: string): TenantKeys {
    requireString(tenantId, 'tenantId');
    return new TenantKeys(constructionToken, this.#handle.deriveTenantKeys(tenantId));
  }

  /** The keyed-integrity keys of `tenantId` (1–1024 UTF-8 bytes). */
  deriveTenantMacKeys(tenantId: string): TenantMacKeys {
    requireString(tenantId, 'tenantId');
    return new TenantMacKeys(constructionToken, this.#handle.deriveTenantMacKeys(tenantId));
  }

  /** The number of previous keys only — never key material. */
  toJSON(): { previousKeys: number } {
    return { previousKeys: this.previousKeyCount };
  }

  /** Inspection shows what JSON shows. */
  [inspect.custom](): string {
    return `MasterKeyring { previousKeys: ${this.previousKeyCount} }`;
  }
}

/** Which key of {@link loadMasterKeyring} an error is about: `'current'` or the index of a previous key. */
export type FailedKey = 'current' | number;

/**
 * Loads a keyring: `current` and up to three distinct `previous` keys, each 64 hex digits or
 * 32 bytes, none all zero. Hex is parsed in Rust (the text is never decoded into a JavaScript
 * Buffer) and bytes are copied, so callers may wipe their Buffers afterwards. A refused key
 * throws a coded error whose `failedKey` says which one; messages never echo key material.
 */
export function loadMasterKeyring(current: MasterKeyInput, previous: readonly MasterKeyInput[] = []): MasterKeyring {
  const handle = blaming('current', () =>
    typeof current === 'string' ? binding.masterKeyringFromHex(current) : binding.masterKeyringFromBytes(checkedBytes(current, 'masterKey')),
  );
  previous.forEach((key, index) =>
    blaming(index, () => (typeof key === 'string' ? handle.addPreviousHex(key) : handle.addPreviousBytes(checkedBytes(key, `previousMasterKeys[${index}]`)))),
  );
  return new MasterKeyring(constructionToken, handle);
}

/** Runs `load`, marking a coded error with the key it concerns. */
function blaming<T>(failedKey: FailedKey, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (isNativeError(error)) Object.assign(error, { failedKey });
    throw error;
  }
}

function checkedBytes(value: unknown, name: string): Uint8Array {
  requireBytes(value, name);
  return value as Uint8Array;
}

/** HKDF-SHA256 domain key (32 bytes) with the cachekit salt layout; the master key must be 32 bytes. */
export function deriveDomainKey(masterKey: Uint8Array, domain: string, tenantSalt: Uint8Array): Buffer {
  requireBytes(masterKey, 'masterKey');
  requireString(domain, 'domain');
  requireBytes(tenantSalt, 'tenantSalt');
  return binding.deriveDomainKey(masterKey, domain, tenantSalt);
}

/** First 16 bytes of SHA-256(`"key_fingerprint_v1"` ‖ key). */
export function keyFingerprint(key: Uint8Array): Buffer {
  requireBytes(key, 'key');
  return binding.keyFingerprint(key);
}

/** AES-256-GCM under a caller-held 32-byte key: `nonce(12) ‖ ciphertext ‖ tag(16)`. Prefer {@link TenantKeys}. */
export function encryptAesGcm(plaintext: Uint8Array, key: Uint8Array, aad: Uint8Array): Buffer {
  requireBytes(plaintext, 'plaintext');
  requireBytes(key, 'key');
  requireBytes(aad, 'aad');
  const out = sealOutput(plaintext);
  binding.encryptAesGcmInto(plaintext, key, aad, out);
  return out;
}

/** Verifies and decrypts AES-256-GCM `nonce ‖ ciphertext ‖ tag` under a caller-held 32-byte key. */
export function decryptAesGcm(ciphertext: Uint8Array, key: Uint8Array, aad: Uint8Array): Buffer {
  requireBytes(ciphertext, 'ciphertext');
  requireBytes(key, 'key');
  requireBytes(aad, 'aad');
  const out = openOutput(ciphertext);
  binding.decryptAesGcmInto(ciphertext, key, aad, out);
  return out;
}

/** The fields an AAD v0x03 binds a ciphertext to. */
export interface AadInput {
  /** Tenant the value belongs to (`"default"` in single-tenant mode). Must not be empty. */
  tenantId: string;
  /** The logical cache key, without any backend prefix. Must not be empty. */
  cacheKey: string;
  /** Serializer format token: `msgpack`, `orjson`, `arrow`, ... */
  format: string;
  /** Whether the plaintext is a compressed envelope. */
  compressed: boolean;
  /** Fifth component, written only when present and non-empty (cachekit-py's auto mode). */
  originalType?: string;
}

/**
 * AAD v0x03: `0x03`, then tenant id, cache key, format, `"True"`/`"False"` and the optional
 * original type, each as u32-BE length ‖ UTF-8.
 */
export function createAad(input: AadInput): Buffer {
  const { tenantId, cacheKey, format, compressed, originalType } = input ?? ({} as AadInput);
  requireString(tenantId, 'AAD tenantId');
  requireString(cacheKey, 'AAD cacheKey');
  requireString(format, 'AAD format');
  if (typeof compressed !== 'boolean') {
    throw codedError('ERR_INVALID_ARGUMENT', `AAD compressed must be a boolean, got ${describe(compressed)}`);
  }
  if (originalType !== undefined) requireString(originalType, 'AAD originalType');
  let length = 1 + 16 + Buffer.byteLength(tenantId) + Buffer.byteLength(cacheKey) + Buffer.byteLength(format);
  length += compressed ? 4 : 5;
  if (originalType) length += 4 + Buffer.byteLength(originalType);
  const out = Buffer.allocUnsafe(length);
  binding.createAadInto(tenantId, cacheKey, format, compressed, originalType || null, out);
  return out;
}

/** BLAKE2b-256 (unkeyed) of `data`: a 32-byte Buffer. */
export function blake2b256(data: Uint8Array): Buffer {
  requireBytes(data, 'data');
  const out = Buffer.allocUnsafe(32);
  binding.blake2b256Into(data, out);
  return out;
}

/**
 * Lowercase hex of BLAKE2b-256 (unkeyed) of `data` (64 characters). The key builder calls this
 * on every cached call, so the hex is produced natively rather than by `Buffer#toString`.
 */
export function blake2b256Hex(data: Uint8Array): string {
  requireBytes(data, 'data');
  return binding.blake2b256Hex(data);
}

/** BLAKE2b-128 (unkeyed) of `data`: a 16-byte Buffer, the file backend's name for a key. */
export function blake2b128(data: Uint8Array): Buffer {
  requireBytes(data, 'data');
  const out = Buffer.allocUnsafe(16);
  binding.blake2b128Into(data, out);
  return out;
}

/** xxHash3-64 (seed 0) of `data` as an 8-byte big-endian Buffer (the envelope checksum). */
export function xxh3_64(data: Uint8Array): Buffer {
  requireBytes(data, 'data');
  const out = Buffer.allocUnsafe(8);
  binding.xxh3_64Into(data, out);
  return out;
}
