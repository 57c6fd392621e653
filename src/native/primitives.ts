/**
 * Single-shot primitives: HKDF domain keys, key fingerprints, AES-256-GCM under a caller-held
 * key, AAD v0x03, and the digests the protocol uses.
 */
import { binding, codedError, describe, requireBytes, requireString } from './binding';
import { openOutput, sealOutput } from './tenant-keys';

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
  return aesGcm('plaintext', plaintext, key, aad, sealOutput, binding.encryptAesGcmInto);
}

/** Verifies and decrypts AES-256-GCM `nonce ‖ ciphertext ‖ tag` under a caller-held 32-byte key. */
export function decryptAesGcm(ciphertext: Uint8Array, key: Uint8Array, aad: Uint8Array): Buffer {
  return aesGcm('ciphertext', ciphertext, key, aad, openOutput, binding.decryptAesGcmInto);
}

function aesGcm(
  name: string,
  input: Uint8Array,
  key: Uint8Array,
  aad: Uint8Array,
  outputFor: (input: Uint8Array) => Buffer,
  into: (input: Uint8Array, key: Uint8Array, aad: Uint8Array, out: Buffer) => void,
): Buffer {
  requireBytes(input, name);
  requireBytes(key, 'key');
  requireBytes(aad, 'aad');
  const out = outputFor(input);
  into(input, key, aad, out);
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

/** `into`'s digest of `data`, written natively into a fresh Buffer of `size` bytes. */
function digest(data: Uint8Array, size: number, into: (data: Uint8Array, out: Buffer) => void): Buffer {
  requireBytes(data, 'data');
  const out = Buffer.allocUnsafe(size);
  into(data, out);
  return out;
}

/** BLAKE2b-256 (unkeyed) of `data`: a 32-byte Buffer. */
export function blake2b256(data: Uint8Array): Buffer {
  return digest(data, 32, binding.blake2b256Into);
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
  return digest(data, 16, binding.blake2b128Into);
}

/** xxHash3-64 (seed 0) of `data` as an 8-byte big-endian Buffer (the envelope checksum). */
export function xxh3_64(data: Uint8Array): Buffer {
  return digest(data, 8, binding.xxh3_64Into);
}
