/**
 * Sorts any error the cache path can meet into a category the reliability layer acts on.
 * Backend failures get a `BackendErrorKind` from the backends' own classifiers (they may trip
 * the breaker); an error carrying a code of cachekit's table (`error-codes.ts`) gets that
 * code's category — those about stored bytes are `integrity`, a counted miss, never a backend
 * failure.
 */
import { classifyFsError, classifyRedisError } from '../backends/classify';
import { type ErrorCategory, errorCodeInfo } from '../error-codes';
import { BackendError, DecryptionError, IntegrityError } from '../errors';

export type { ErrorCategory } from '../error-codes';

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
  if (typeof code === 'string') {
    const known = errorCodeInfo(code);
    if (known !== undefined) return known.category;
  }
  if (isFsError(error)) return classifyFsError(error);
  return classifyRedisError(error);
}
