/**
 * The stored form of an encrypted default-mode entry (cachekit for Node's own format; interop
 * entries use the protocol's bare ciphertext instead):
 *
 *   0..3   "ckn" magic + frame version 1
 *   4      algorithm: 0 = AES-256-GCM, 1 = ChaCha20-Poly1305
 *   5..20  fingerprint of the tenant's derived key that sealed it (selects the key on read)
 *   21..   nonce(12) ‖ ciphertext ‖ tag(16), bound by the AAD to tenant, key, format, compression
 *
 * The header is not secret and needs no authentication of its own: a changed algorithm or
 * fingerprint selects the wrong key or cipher, and the tag then fails.
 */
import { DecryptionError } from '../errors';
import type { AeadAlgorithm } from '../native';

const MAGIC = Buffer.from([0x63, 0x6b, 0x6e, 0x01]);
/** Bytes before the ciphertext. */
export const SEALED_HEADER_BYTES = 21;
const FINGERPRINT_BYTES = 16;
const ALGORITHMS: readonly AeadAlgorithm[] = ['aes-256-gcm', 'chacha20-poly1305'];

/** The header of a sealed entry. */
export interface SealedHeader {
  algorithm: AeadAlgorithm;
  fingerprint: Buffer;
  /** The `nonce ‖ ciphertext ‖ tag` part. */
  ciphertext: Buffer;
}

/** Header bytes for a sealed entry. */
export function sealedHeader(algorithm: AeadAlgorithm, fingerprint: Uint8Array): Buffer {
  const header = Buffer.allocUnsafe(SEALED_HEADER_BYTES);
  MAGIC.copy(header, 0);
  header[4] = ALGORITHMS.indexOf(algorithm);
  header.set(fingerprint.subarray(0, FINGERPRINT_BYTES), 5);
  return header;
}

/**
 * Splits a stored value into header and ciphertext. Anything that is not a sealed frame — a
 * plaintext envelope written by an unencrypted cache, a truncated value — is refused, so an
 * encrypted cache can never be downgraded to reading plaintext.
 */
export function parseSealed(stored: Buffer): SealedHeader {
  if (stored.length < SEALED_HEADER_BYTES + 28 || !startsWithMagic(stored)) {
    throw new DecryptionError('The stored value is not an encrypted cachekit entry (plaintext or foreign data where ciphertext was expected).', {
      code: 'ERR_NOT_ENCRYPTED',
    });
  }
  const algorithm = ALGORITHMS[stored[4]!];
  if (algorithm === undefined) {
    throw new DecryptionError(`The stored value names an unknown cipher (${stored[4]}).`, { code: 'ERR_UNKNOWN_ALGORITHM' });
  }
  return {
    algorithm,
    fingerprint: stored.subarray(5, SEALED_HEADER_BYTES),
    ciphertext: stored.subarray(SEALED_HEADER_BYTES),
  };
}

/** Byte by byte: a `subarray(...).equals` costs a view and a call on every read. */
function startsWithMagic(stored: Buffer): boolean {
  return stored[0] === MAGIC[0] && stored[1] === MAGIC[1] && stored[2] === MAGIC[2] && stored[3] === MAGIC[3];
}
