/**
 * The `code`s a codec error may carry, by name. A decode failure of any of these kinds means
 * the entry is unusable: the caller treats it as a miss (and may delete it); the value is
 * recomputed. What each code means, and how it is classified, is in the one table,
 * `../error-codes.ts`.
 */
import type { ErrorCode } from '../error-codes';

export const CodecErrorCode = {
  UNENCODABLE_VALUE: 'ERR_SERIALIZATION_UNSUPPORTED',
  VALUE_TOO_LARGE: 'ERR_VALUE_TOO_LARGE',
  UNDECODABLE_VALUE: 'ERR_DESERIALIZATION',
  DECODE_BOUNDS: 'ERR_DECODE_BOUNDS',
  FORMAT_MISMATCH: 'ERR_FORMAT_MISMATCH',
  PYTHON_FRAME: 'ERR_PYTHON_FRAME',
  CHECKSUM_MISMATCH: 'ERR_CHECKSUM_MISMATCH',
  SIZE_MISMATCH: 'ERR_SIZE_MISMATCH',
  DECOMPRESSION_BOMB: 'ERR_DECOMPRESSION_BOMB',
  DECOMPRESSION_FAILED: 'ERR_DECOMPRESSION_FAILED',
  DESERIALIZATION_FAILED: 'ERR_DESERIALIZATION_FAILED',
  INPUT_TOO_LARGE: 'ERR_INPUT_TOO_LARGE',
  AUTHENTICATION_FAILED: 'ERR_AUTHENTICATION_FAILED',
  CIPHERTEXT_TOO_SHORT: 'ERR_CIPHERTEXT_TOO_SHORT',
} as const satisfies Record<string, ErrorCode>;

/** One of the {@link CodecErrorCode} values. */
export type CodecErrorCode = (typeof CodecErrorCode)[keyof typeof CodecErrorCode];
