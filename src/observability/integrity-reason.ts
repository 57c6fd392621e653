/**
 * Why a stored entry was refused, as a small fixed set: what metrics label integrity failures
 * with (an error code would do, but its set is open-ended and meaningless on a dashboard).
 */

/** The reasons a stored entry fails to open. */
export const INTEGRITY_REASONS = ['checksum', 'decrypt', 'mac', 'envelope', 'decode', 'other'] as const;

/** One of `INTEGRITY_REASONS`. */
export type IntegrityReason = (typeof INTEGRITY_REASONS)[number];

const BY_CODE: Readonly<Record<string, IntegrityReason>> = {
  // The bytes changed after they were written.
  ERR_CHECKSUM_MISMATCH: 'checksum',
  ERR_SIZE_MISMATCH: 'checksum',
  // The ciphertext does not authenticate under this tenant, key and master key.
  ERR_AUTHENTICATION_FAILED: 'decrypt',
  ERR_DECRYPTION: 'decrypt',
  ERR_CIPHERTEXT_TOO_SHORT: 'decrypt',
  ERR_UNKNOWN_KEY_FINGERPRINT: 'decrypt',
  ERR_NOT_ENCRYPTED: 'decrypt',
  // Keyed integrity: the HMAC does not match, or the entry has no MAC frame.
  ERR_MAC_MISMATCH: 'mac',
  ERR_NOT_KEYED_ENTRY: 'mac',
  // Not an entry this library (or cachekit-py) wrote: framing, compression, bounds.
  ERR_DESERIALIZATION_FAILED: 'envelope',
  ERR_DECOMPRESSION_BOMB: 'envelope',
  ERR_DECOMPRESSION_FAILED: 'envelope',
  ERR_DECODE_BOUNDS: 'envelope',
  ERR_FORMAT_MISMATCH: 'envelope',
  ERR_INPUT_TOO_LARGE: 'envelope',
  ERR_PYTHON_FRAME: 'envelope',
  ERR_INTEGRITY: 'envelope',
  // The envelope was fine; the serializer could not read what it held.
  ERR_DESERIALIZATION: 'decode',
};

/** The reason for `error`, raised while opening a stored entry. */
export function integrityReason(error: unknown): IntegrityReason {
  const code = (error as { code?: unknown } | null)?.code;
  return (typeof code === 'string' ? BY_CODE[code] : undefined) ?? 'other';
}
