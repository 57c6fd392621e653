/**
 * The stable `code`s of codec errors. A decode failure of any of these kinds means the entry
 * is unusable: the caller treats it as a miss (and may delete it); the value is recomputed.
 */
import { DECODE_BOUNDS_ERROR } from './msgpack/bounds';
import { UNDECODABLE_VALUE } from './msgpack/value-decoder';
import { UNENCODABLE_VALUE, VALUE_TOO_LARGE } from './msgpack/value-encoder';
import { PYTHON_FRAME_ERROR } from './python-frame';

export const CodecErrorCode = {
  /** SerializationError on write: the value (at the named path) has no form in this serializer. */
  UNENCODABLE_VALUE,
  /** SerializationError on write: the serialized value exceeds `maxValueBytes` or the 512 MiB envelope limit. */
  VALUE_TOO_LARGE,
  /** SerializationError on read: well-formed bytes that are not a value of the serializer. */
  UNDECODABLE_VALUE,
  /** IntegrityError: hostile MessagePack (too deep, over-claiming, incomplete, trailing bytes, over its decode budget). */
  DECODE_BOUNDS: DECODE_BOUNDS_ERROR,
  /** IntegrityError: the envelope was written by another serializer (its format tag differs). */
  FORMAT_MISMATCH: 'ERR_FORMAT_MISMATCH',
  /** IntegrityError: a cachekit-py CK frame; share data with Python through interop mode. */
  PYTHON_FRAME: PYTHON_FRAME_ERROR,
  /** IntegrityError: the envelope's checksum does not match (from the native core). */
  CHECKSUM_MISMATCH: 'ERR_CHECKSUM_MISMATCH',
  /** IntegrityError: decompressed size differs from the declared size. */
  SIZE_MISMATCH: 'ERR_SIZE_MISMATCH',
  /** IntegrityError: the declared size is beyond the 1000:1 ratio, or the block is empty. */
  DECOMPRESSION_BOMB: 'ERR_DECOMPRESSION_BOMB',
  /** IntegrityError: the LZ4 block is corrupt. */
  DECOMPRESSION_FAILED: 'ERR_DECOMPRESSION_FAILED',
  /** IntegrityError: the bytes are not an envelope. */
  DESERIALIZATION_FAILED: 'ERR_DESERIALIZATION_FAILED',
  /** IntegrityError: an envelope or declared size over 512 MiB, or a payload over the reader's `maxValueBytes`. */
  INPUT_TOO_LARGE: 'ERR_INPUT_TOO_LARGE',
  /** DecryptionError: the ciphertext does not authenticate under this key, tenant and cache key. */
  AUTHENTICATION_FAILED: 'ERR_AUTHENTICATION_FAILED',
  /** DecryptionError: the stored bytes are shorter than nonce + tag. */
  CIPHERTEXT_TOO_SHORT: 'ERR_CIPHERTEXT_TOO_SHORT',
} as const;

/** One of the {@link CodecErrorCode} values. */
export type CodecErrorCode = (typeof CodecErrorCode)[keyof typeof CodecErrorCode];
