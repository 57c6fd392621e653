/**
 * Sorts any error the cache path can meet into a category the reliability layer acts on.
 * Backend failures get a `BackendErrorKind` from the backends' own classifiers (they may trip
 * the breaker); errors from the native core about stored bytes become `integrity` — a counted
 * miss, never a backend failure.
 */
import { classifyFsError, classifyRedisError } from '../backends/classify';
import { BackendError, DecryptionError, IntegrityError, type BackendErrorKind } from '../errors';

/** What a failure means to the reliability layer. */
export type ErrorCategory = BackendErrorKind | 'integrity';

/**
 * Codes the native core uses for bytes that failed verification (checksum, truncation, format,
 * decompression bounds, AEAD tag). Node's own `ERR_*` codes (e.g. `ERR_INVALID_ARG_TYPE`) are
 * deliberately not matched: they mean a programming error, not corrupt data.
 */
const NATIVE_INTEGRITY_CODE = /^ERR_(INTEGRITY|CHECKSUM|ENVELOPE|TRUNCATED|DECOMPRESS|DECRYPT|AUTH_TAG|TAG_MISMATCH|AAD|FORMAT|SIZE_LIMIT|CORRUPT)/;

function property(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined;
}

/** True for errors raised by `node:fs` (they carry the failing `syscall` and a numeric `errno`). */
function isFsError(error: unknown): boolean {
  return typeof property(error, 'syscall') === 'string' && typeof property(error, 'errno') === 'number' && typeof property(error, 'path') === 'string';
}

/**
 * The category of `error`. Classification is by shape (`code`, `name`, reply text), not
 * `instanceof`, because an application may load its own copy of ioredis. Unknown shapes are
 * `unknown`, which the breaker counts as a failure.
 */
export function classifyError(error: unknown): ErrorCategory {
  if (error instanceof BackendError) return error.kind;
  if (error instanceof IntegrityError || error instanceof DecryptionError) return 'integrity';
  const code = property(error, 'code');
  if (typeof code === 'string' && NATIVE_INTEGRITY_CODE.test(code)) return 'integrity';
  if (isFsError(error)) return classifyFsError(error);
  return classifyRedisError(error);
}
