/**
 * The `failSafe` and `factoryTimeout` options: serving the last value when the function fails
 * or is slow, and bounding how long a call waits for the function.
 */
import { describeValue } from '../describe-value';
import { parseTtlSeconds } from '../config/duration';
import { rejectUnknownOptions } from '../config/validate';
import { ConfigurationError } from '../errors';

/** `failSafe`. */
export interface FailSafeOptions {
  /**
   * How long past its TTL an entry is kept (in L2, and in L1 when it has room) as the value to
   * serve if the function fails: seconds or a duration string (`'1h'`).
   */
  maxStaleSeconds: number | string;
  /**
   * After serving a stale value, how long it is served again before the function is tried
   * anew (needs L1; without it every call tries the function). Default `'5s'`; 0 = every call.
   */
  retryAfter?: number | string;
}

/** `factoryTimeout`: how long a call waits for the function. */
export interface FactoryTimeoutOptions {
  /**
   * With `failSafe`: past this, a call that has a stale value returns it, while the function
   * goes on and stores its result when it finishes. Seconds or a duration string.
   */
  soft?: number | string;
  /**
   * Past this, a call stops waiting: it returns the stale value if there is one, else rejects
   * with `FactoryTimeoutError`; the function goes on and stores its result when it finishes.
   */
  hard?: number | string;
}

/** Validated `failSafe`. */
export interface ResolvedFailSafe {
  readonly maxStaleMs: number;
  readonly retryAfterMs: number;
}

/** Validated `factoryTimeout` (undefined: no such timeout). */
export interface ResolvedFactoryTimeout {
  readonly softMs: number | undefined;
  readonly hardMs: number | undefined;
}

/** Default `failSafe.retryAfter`, seconds. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

const NO_TIMEOUTS: ResolvedFactoryTimeout = { softMs: undefined, hardMs: undefined };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates `failSafe` for a cache whose entries live `ttlSeconds`. */
export function resolveFailSafe(value: unknown, ttlSeconds: number): ResolvedFailSafe | undefined {
  if (value === undefined || value === false) return undefined;
  if (!isPlainObject(value)) {
    throw new ConfigurationError(`Option \`failSafe\` must be { maxStaleSeconds, retryAfter }; got ${describeValue(value)}. Fix: e.g. failSafe: { maxStaleSeconds: '1h' }.`);
  }
  rejectUnknownOptions(value, ['maxStaleSeconds', 'retryAfter'], 'failSafe.');
  if (value.maxStaleSeconds === undefined) {
    throw new ConfigurationError("Option `failSafe` needs `maxStaleSeconds`: how long past its TTL a value may still be served. Fix: e.g. failSafe: { maxStaleSeconds: '1h' }.");
  }
  const maxStaleSeconds = parseTtlSeconds(value.maxStaleSeconds, 'failSafe.maxStaleSeconds');
  if (maxStaleSeconds === 0) {
    throw new ConfigurationError('Option `failSafe.maxStaleSeconds` must be above 0 (it is how long a stale value stays servable). Fix: e.g. 3600, or remove `failSafe`.');
  }
  if (ttlSeconds === 0) {
    throw new ConfigurationError('Option `failSafe` serves entries past their TTL, but `ttl: 0` entries never expire. Fix: give the cache a `ttl`, or remove `failSafe`.');
  }
  const retryAfterSeconds = value.retryAfter === undefined ? DEFAULT_RETRY_AFTER_SECONDS : parseTtlSeconds(value.retryAfter, 'failSafe.retryAfter');
  return { maxStaleMs: maxStaleSeconds * 1000, retryAfterMs: retryAfterSeconds * 1000 };
}

/** Validates `factoryTimeout` (`soft` needs `failSafe`, and comes before `hard`). */
export function resolveFactoryTimeout(value: unknown, failSafe: ResolvedFailSafe | undefined): ResolvedFactoryTimeout {
  if (value === undefined) return NO_TIMEOUTS;
  if (!isPlainObject(value)) {
    throw new ConfigurationError(`Option \`factoryTimeout\` must be { soft, hard }; got ${describeValue(value)}. Fix: e.g. factoryTimeout: { soft: '100ms', hard: '2s' }.`);
  }
  rejectUnknownOptions(value, ['soft', 'hard'], 'factoryTimeout.');
  const softMs = timeoutMs(value.soft, 'factoryTimeout.soft');
  const hardMs = timeoutMs(value.hard, 'factoryTimeout.hard');
  if (softMs !== undefined && failSafe === undefined) {
    throw new ConfigurationError(
      'Option `factoryTimeout.soft` returns the stale value while the function goes on, so it needs `failSafe`. Fix: add failSafe: { maxStaleSeconds }, or use `factoryTimeout.hard`.',
    );
  }
  if (softMs !== undefined && hardMs !== undefined && softMs >= hardMs) {
    throw new ConfigurationError(`Option \`factoryTimeout.soft\` (${softMs} ms) must be shorter than \`factoryTimeout.hard\` (${hardMs} ms).`);
  }
  return { softMs, hardMs };
}

function timeoutMs(value: unknown, option: string): number | undefined {
  if (value === undefined) return undefined;
  const seconds = parseTtlSeconds(value, option);
  if (seconds === 0) throw new ConfigurationError(`Option \`${option}\` must be above 0. Fix: e.g. '250ms', or leave it out.`);
  return seconds * 1000;
}
