/**
 * Argument checks shared by every built-in backend. A bad argument is a bug in the caller, so
 * it is reported as a `permanent` BackendError (retrying cannot help, and the circuit breaker
 * must not count it as a backend outage).
 */
import { BackendError } from '../errors';

function invalid(backend: string, operation: string, key: string | undefined, message: string): BackendError {
  return new BackendError(`${backend} ${operation}: ${message}`, 'permanent', { operation, key });
}

/** Throws unless `key` is a non-empty string. */
export function checkKey(backend: string, operation: string, key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw invalid(backend, operation, undefined, `key must be a non-empty string; got ${typeof key === 'string' ? 'an empty string' : typeof key}`);
  }
}

/** Throws unless `value` is a Buffer. */
export function checkValue(backend: string, operation: string, key: string, value: unknown): asserts value is Buffer {
  if (!Buffer.isBuffer(value)) {
    throw invalid(backend, operation, key, `value must be a Buffer; got ${value === null ? 'null' : typeof value}`);
  }
}

/**
 * Normalises a TTL: `undefined` and `0` mean "no expiry" (returned as 0); otherwise a finite
 * positive number of seconds (fractions allowed).
 */
export function checkTtlSeconds(backend: string, operation: string, key: string, ttlSeconds: unknown): number {
  if (ttlSeconds === undefined || ttlSeconds === 0) return 0;
  if (typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds) || ttlSeconds < 0) {
    throw invalid(backend, operation, key, `ttlSeconds must be a finite number >= 0 (0 = no expiry); got ${String(ttlSeconds)}`);
  }
  return ttlSeconds;
}

/** Throws unless `ttlSeconds` is a finite number > 0 (refreshing to "no expiry" is not a refresh). */
export function checkPositiveTtl(backend: string, operation: string, key: string, ttlSeconds: unknown): number {
  if (typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw invalid(backend, operation, key, `ttlSeconds must be a finite number > 0; got ${String(ttlSeconds)}`);
  }
  return ttlSeconds;
}

/** Throws unless `token` is a non-empty string. */
export function checkToken(backend: string, operation: string, key: string, token: unknown): void {
  if (typeof token !== 'string' || token.length === 0) {
    throw invalid(backend, operation, key, 'lock token must be a non-empty string');
  }
}

/** Throws unless `leaseMs` is a positive integer. */
export function checkLease(backend: string, operation: string, key: string, leaseMs: unknown): number {
  if (typeof leaseMs !== 'number' || !Number.isSafeInteger(leaseMs) || leaseMs <= 0) {
    throw invalid(backend, operation, key, `leaseMs must be a positive integer; got ${String(leaseMs)}`);
  }
  return leaseMs;
}

/**
 * Throws unless a lock call's arguments are valid: the key, a non-empty token and, for the calls
 * that set a lease (`acquireLock`, `renewLock`), a positive integer `leaseMs`.
 */
export function checkLockCall(backend: string, operation: string, key: unknown, token: unknown, leaseMs?: unknown): asserts key is string {
  checkKey(backend, operation, key);
  checkToken(backend, operation, key, token);
  if (operation === 'acquireLock' || operation === 'renewLock') checkLease(backend, operation, key, leaseMs);
}

/** The error for a value above a backend's size limit (permanent: the same value never fits). */
export function valueTooLarge(backend: string, operation: string, key: string, size: number, max: number): BackendError {
  return invalid(backend, operation, key, `value of ${size} bytes exceeds maxValueBytes (${max})`);
}

/** The error for a call on a backend after `close()` (permanent: the instance is done). */
export function backendClosed(backend: string, operation: string, key: string | undefined): BackendError {
  return invalid(backend, operation, key, 'the backend is closed');
}

/**
 * Throws unless `prefix` is a non-empty string: an empty prefix would match the whole
 * keyspace, including data that is not cachekit's, and is never what a cache clear means.
 */
export function checkPrefix(backend: string, prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string' || prefix.length === 0) {
    throw invalid(backend, 'clearPrefix', undefined, 'prefix must be a non-empty string (refusing to clear the whole keyspace)');
  }
}
