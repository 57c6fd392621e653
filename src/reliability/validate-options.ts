/**
 * Validation and resolution of `ReliabilityOptions`. Every error names the option path, the
 * value received and how to fix it, and is thrown when the wrapper is built — never per call.
 */
import { ConfigurationError, type BackendErrorKind } from '../errors';
import { describeValue } from '../describe-value';
import { MAX_TIMER_DELAY_MS } from './clock';
import {
  DEFAULT_BACKPRESSURE,
  DEFAULT_CIRCUIT_BREAKER,
  DEFAULT_LOCK,
  DEFAULT_TIMEOUTS,
  type AdaptiveTimeoutOptions,
  type BackpressureOptions,
  type CircuitBreakerOptions,
  type LockOptions,
  type ReliabilityOptions,
  type ResolvedReliabilityOptions,
} from './options';

const BACKEND_ERROR_KINDS: readonly BackendErrorKind[] = ['transient', 'permanent', 'timeout', 'authentication', 'unknown'];


function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

function invalid(path: string, value: unknown, rule: string, fix: string): ConfigurationError {
  return new ConfigurationError(`Invalid option ${path}: got ${describeValue(value)}; ${rule}. Fix: ${fix}.`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rejects keys the group does not know (a typo must not silently fall back to a default). */
function rejectUnknownKeys(group: Record<string, unknown>, known: readonly string[], prefix: string): void {
  for (const key of Object.keys(group)) {
    if (known.includes(key)) continue;
    const lower = key.toLowerCase();
    const close = known.find((k) => k.toLowerCase() === lower || k.toLowerCase().startsWith(lower.slice(0, 5)));
    throw invalid(
      join(prefix, key),
      group[key],
      'this option does not exist',
      close === undefined ? `remove it (known options: ${known.join(', ')})` : `rename it to ${join(prefix, close)}`,
    );
  }
}

interface NumberRule {
  integer?: boolean;
  min?: number;
  /** True when `min` itself is not allowed. */
  minExclusive?: boolean;
  max?: number;
  unit?: string;
}

function checkNumber(path: string, value: unknown, rule: NumberRule): number {
  const kind = rule.integer === true ? 'an integer' : 'a finite number';
  const unit = rule.unit === undefined ? '' : ` ${rule.unit}`;
  const range =
    rule.max === undefined
      ? `${rule.minExclusive === true ? '>' : '≥'} ${rule.min ?? 0}${unit}`
      : `${rule.minExclusive === true ? 'above' : 'from'} ${rule.min ?? 0} to ${rule.max}${unit}`;
  const fix = `pass ${kind} ${range}`;
  if (typeof value !== 'number' || !Number.isFinite(value) || (rule.integer === true && !Number.isInteger(value))) {
    throw invalid(path, value, `it must be ${kind}`, fix);
  }
  const min = rule.min ?? 0;
  if (rule.minExclusive === true ? value <= min : value < min) throw invalid(path, value, `it must be ${range}`, fix);
  if (rule.max !== undefined && value > rule.max) throw invalid(path, value, `it must be ${range}`, fix);
  return value;
}

/** Reads a group that may be omitted (defaults), `false` (disabled) or a partial object. */
function readGroup(options: Record<string, unknown>, key: string, prefix: string): Record<string, unknown> | false | undefined {
  const value = options[key];
  if (value === undefined || value === false) return value;
  if (!isPlainObject(value)) {
    throw invalid(join(prefix, key), value, 'it must be an options object or false', `pass { ... } to configure it, false to disable it, or omit it for the defaults`);
  }
  return value;
}

function resolveCircuitBreaker(input: Record<string, unknown>, prefix: string): Readonly<CircuitBreakerOptions> {
  const known = ['failureThreshold', 'windowMs', 'recoveryTimeoutMs', 'halfOpenRequests', 'successThreshold', 'excludedKinds', 'isFailure'];
  rejectUnknownKeys(input, known, prefix);
  const merged = { ...DEFAULT_CIRCUIT_BREAKER, ...stripUndefined(input) } as CircuitBreakerOptions;
  checkNumber(join(prefix, 'failureThreshold'), merged.failureThreshold, { integer: true, min: 1 });
  checkNumber(join(prefix, 'windowMs'), merged.windowMs, { min: 0, minExclusive: true, unit: 'ms' });
  checkNumber(join(prefix, 'recoveryTimeoutMs'), merged.recoveryTimeoutMs, { min: 0, unit: 'ms' });
  checkNumber(join(prefix, 'halfOpenRequests'), merged.halfOpenRequests, { integer: true, min: 1 });
  checkNumber(join(prefix, 'successThreshold'), merged.successThreshold, { integer: true, min: 1 });
  if (merged.successThreshold > merged.halfOpenRequests) {
    throw invalid(
      join(prefix, 'successThreshold'),
      merged.successThreshold,
      `it must be ≤ ${join(prefix, 'halfOpenRequests')} (${merged.halfOpenRequests}), the number of probes admitted while half-open`,
      `lower successThreshold to at most ${merged.halfOpenRequests} or raise halfOpenRequests to at least ${merged.successThreshold}`,
    );
  }
  if (input.isFailure !== undefined && input.excludedKinds !== undefined) {
    throw invalid(join(prefix, 'isFailure'), input.isFailure, 'isFailure and excludedKinds cannot both be set', 'keep one of them: isFailure replaces excludedKinds');
  }
  if (merged.isFailure !== undefined && typeof merged.isFailure !== 'function') {
    throw invalid(join(prefix, 'isFailure'), merged.isFailure, 'it must be a function (error, category) => boolean', 'pass a predicate or omit it');
  }
  const kinds: unknown = merged.excludedKinds;
  if (!Array.isArray(kinds) || kinds.some((k) => !BACKEND_ERROR_KINDS.includes(k as BackendErrorKind))) {
    throw invalid(join(prefix, 'excludedKinds'), kinds, `it must be an array of ${BACKEND_ERROR_KINDS.join(' | ')}`, `for example ['permanent']`);
  }
  return Object.freeze({ ...merged, excludedKinds: Object.freeze([...(kinds as BackendErrorKind[])]) });
}

function resolveTimeouts(input: Record<string, unknown>, prefix: string): Readonly<AdaptiveTimeoutOptions> {
  const known = ['initialMs', 'minMs', 'maxMs', 'windowSize', 'minSamples', 'percentile', 'multiplier', 'clearPrefixMs'];
  rejectUnknownKeys(input, known, prefix);
  const given = stripUndefined(input);
  const merged = { ...DEFAULT_TIMEOUTS, ...given } as AdaptiveTimeoutOptions;
  const timer = { min: 0, minExclusive: true, max: MAX_TIMER_DELAY_MS, unit: 'ms' };
  checkNumber(join(prefix, 'maxMs'), merged.maxMs, timer);
  // Defaults the user did not set bend to the values they did set, so `{ maxMs: 10 }` alone
  // is accepted instead of clashing with the default floor of 25 ms.
  if (given.minMs === undefined) merged.minMs = Math.min(merged.minMs, merged.maxMs);
  checkNumber(join(prefix, 'minMs'), merged.minMs, timer);
  if (merged.minMs > merged.maxMs) {
    throw invalid(join(prefix, 'minMs'), merged.minMs, `it must be ≤ ${join(prefix, 'maxMs')} (${merged.maxMs})`, 'lower minMs or raise maxMs');
  }
  if (given.initialMs === undefined) merged.initialMs = Math.min(Math.max(merged.initialMs, merged.minMs), merged.maxMs);
  checkNumber(join(prefix, 'initialMs'), merged.initialMs, { ...timer, min: merged.minMs, minExclusive: false, max: merged.maxMs });
  checkNumber(join(prefix, 'windowSize'), merged.windowSize, { integer: true, min: 1, max: 1_000_000 });
  if (given.minSamples === undefined) merged.minSamples = Math.min(merged.minSamples, merged.windowSize);
  checkNumber(join(prefix, 'minSamples'), merged.minSamples, { integer: true, min: 1, max: merged.windowSize });
  checkNumber(join(prefix, 'percentile'), merged.percentile, { min: 0, minExclusive: true, max: 100 });
  checkNumber(join(prefix, 'multiplier'), merged.multiplier, { min: 1, max: 100 });
  checkNumber(join(prefix, 'clearPrefixMs'), merged.clearPrefixMs, timer);
  return Object.freeze(merged);
}

function resolveBackpressure(input: Record<string, unknown>, prefix: string): Readonly<BackpressureOptions> {
  rejectUnknownKeys(input, ['maxConcurrent', 'queueSize', 'queueTimeoutMs'], prefix);
  const merged = { ...DEFAULT_BACKPRESSURE, ...stripUndefined(input) } as BackpressureOptions;
  checkNumber(join(prefix, 'maxConcurrent'), merged.maxConcurrent, { integer: true, min: 1, max: 1_000_000 });
  checkNumber(join(prefix, 'queueSize'), merged.queueSize, { integer: true, min: 0, max: 10_000_000 });
  checkNumber(join(prefix, 'queueTimeoutMs'), merged.queueTimeoutMs, { min: 0, max: MAX_TIMER_DELAY_MS, unit: 'ms' });
  return Object.freeze(merged);
}

function resolveLock(input: Record<string, unknown> | false | undefined, prefix: string): Readonly<LockOptions> {
  if (input === false) return Object.freeze({ ...DEFAULT_LOCK, enabled: false });
  if (input === undefined) return DEFAULT_LOCK;
  rejectUnknownKeys(input, ['enabled', 'leaseMs', 'waitTimeoutMs'], prefix);
  const merged = { ...DEFAULT_LOCK, ...stripUndefined(input) } as LockOptions;
  if (typeof merged.enabled !== 'boolean') {
    throw invalid(join(prefix, 'enabled'), merged.enabled, 'it must be a boolean', 'pass true or false');
  }
  // Redis PX takes whole milliseconds, and the renewal timer must fit a Node timer.
  checkNumber(join(prefix, 'leaseMs'), merged.leaseMs, { integer: true, min: 3, max: MAX_TIMER_DELAY_MS, unit: 'ms' });
  checkNumber(join(prefix, 'waitTimeoutMs'), merged.waitTimeoutMs, { min: 0, max: MAX_TIMER_DELAY_MS, unit: 'ms' });
  return Object.freeze(merged);
}

function stripUndefined(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) if (value !== undefined) out[key] = value;
  return out;
}

/** Objects produced by `resolveReliabilityOptions`, so resolving twice is a no-op. */
const resolvedOptions = new WeakSet<object>();

/** Whether `options` already went through `resolveReliabilityOptions`. */
export function isResolvedReliabilityOptions(options: unknown): options is ResolvedReliabilityOptions {
  return typeof options === 'object' && options !== null && resolvedOptions.has(options);
}

/**
 * Applies defaults to `options` and validates the result. Throws `ConfigurationError` naming
 * the option path (prefixed by `pathPrefix`, e.g. `reliability`), the value and the fix.
 */
export function resolveReliabilityOptions(
  options: ReliabilityOptions | ResolvedReliabilityOptions | undefined = {},
  pathPrefix = '',
): ResolvedReliabilityOptions {
  if (isResolvedReliabilityOptions(options)) return options;
  const input: unknown = options;
  if (!isPlainObject(input)) {
    throw invalid(pathPrefix === '' ? 'reliability' : pathPrefix, input, 'it must be an options object', 'pass { circuitBreaker, timeouts, backpressure, lock } or omit it');
  }
  rejectUnknownKeys(input, ['circuitBreaker', 'timeouts', 'backpressure', 'lock'], pathPrefix);
  const breaker = readGroup(input, 'circuitBreaker', pathPrefix);
  const timeouts = readGroup(input, 'timeouts', pathPrefix);
  const backpressure = readGroup(input, 'backpressure', pathPrefix);
  const lock = readGroup(input, 'lock', pathPrefix);
  const resolved: ResolvedReliabilityOptions = Object.freeze({
    circuitBreaker: breaker === false ? false : resolveCircuitBreaker(breaker ?? {}, join(pathPrefix, 'circuitBreaker')),
    timeouts: timeouts === false ? false : resolveTimeouts(timeouts ?? {}, join(pathPrefix, 'timeouts')),
    backpressure: backpressure === false ? false : resolveBackpressure(backpressure ?? {}, join(pathPrefix, 'backpressure')),
    lock: resolveLock(lock, join(pathPrefix, 'lock')),
  });
  resolvedOptions.add(resolved);
  return resolved;
}

/** Throws `ConfigurationError` when `options` is invalid; see `resolveReliabilityOptions`. */
export function validateReliabilityOptions(options: ReliabilityOptions | undefined, pathPrefix = ''): void {
  resolveReliabilityOptions(options, pathPrefix);
}
