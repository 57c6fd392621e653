import { describe, expect, test } from 'vitest';
import { ConfigurationError } from '../../src/errors';
import {
  DEFAULT_BACKPRESSURE,
  DEFAULT_CIRCUIT_BREAKER,
  DEFAULT_LOCK,
  DEFAULT_TIMEOUTS,
  type ReliabilityOptions,
} from '../../src/reliability/options';
import { resolveReliabilityOptions, validateReliabilityOptions } from '../../src/reliability/validate-options';
import { thrownAs } from '../support/thrown';

function errorOf(options: unknown, prefix?: string): ConfigurationError {
  return thrownAs(ConfigurationError, () => validateReliabilityOptions(options as ReliabilityOptions, prefix));
}

describe('resolveReliabilityOptions', () => {
  test('no options means every default', () => {
    const resolved = resolveReliabilityOptions();
    expect(resolved.circuitBreaker).toEqual(DEFAULT_CIRCUIT_BREAKER);
    expect(resolved.timeouts).toEqual(DEFAULT_TIMEOUTS);
    expect(resolved.backpressure).toEqual(DEFAULT_BACKPRESSURE);
    expect(resolved.lock).toEqual(DEFAULT_LOCK);
  });

  test('the documented defaults', () => {
    expect(DEFAULT_CIRCUIT_BREAKER).toMatchObject({ failureThreshold: 5, windowMs: 10_000, recoveryTimeoutMs: 1_000, halfOpenRequests: 3, successThreshold: 2 });
    expect(DEFAULT_TIMEOUTS).toMatchObject({ initialMs: 250, minMs: 25, maxMs: 500, percentile: 95, multiplier: 1.5 });
    expect(DEFAULT_BACKPRESSURE).toEqual({ maxConcurrent: 256, queueSize: 4_096, queueTimeoutMs: 100 });
  });

  test('partial groups are merged over the defaults', () => {
    const resolved = resolveReliabilityOptions({ circuitBreaker: { failureThreshold: 9 }, backpressure: { queueSize: 0 } });
    expect(resolved.circuitBreaker).toMatchObject({ ...DEFAULT_CIRCUIT_BREAKER, failureThreshold: 9 });
    expect(resolved.backpressure).toEqual({ ...DEFAULT_BACKPRESSURE, queueSize: 0 });
  });

  test('false disables a group', () => {
    const resolved = resolveReliabilityOptions({ circuitBreaker: false, timeouts: false, backpressure: false, lock: false });
    expect(resolved.circuitBreaker).toBe(false);
    expect(resolved.timeouts).toBe(false);
    expect(resolved.backpressure).toBe(false);
    expect(resolved.lock.enabled).toBe(false);
  });

  test('resolving resolved options returns them unchanged', () => {
    const resolved = resolveReliabilityOptions({ circuitBreaker: { isFailure: () => true } });
    expect(resolveReliabilityOptions(resolved)).toBe(resolved);
  });

  test('defaults bend to a lower maxMs instead of clashing with it', () => {
    const resolved = resolveReliabilityOptions({ timeouts: { maxMs: 10 } });
    expect(resolved.timeouts).toMatchObject({ maxMs: 10, minMs: 10, initialMs: 10 });
  });

  test('a window smaller than the default minSamples lowers minSamples', () => {
    expect(resolveReliabilityOptions({ timeouts: { windowSize: 5 } }).timeouts).toMatchObject({ windowSize: 5, minSamples: 5 });
  });
});

describe('validateReliabilityOptions errors name the option, the value and the fix', () => {
  test('successThreshold above halfOpenRequests', () => {
    const error = errorOf({ circuitBreaker: { successThreshold: 5 } });
    expect(error.message).toContain('circuitBreaker.successThreshold');
    expect(error.message).toContain('got 5');
    expect(error.message).toContain('halfOpenRequests (3)');
    expect(error.message).toMatch(/Fix: lower successThreshold to at most 3 or raise halfOpenRequests/);
  });

  test('the path prefix is used when given', () => {
    expect(errorOf({ circuitBreaker: { failureThreshold: 0 } }, 'reliability').message).toContain('reliability.circuitBreaker.failureThreshold');
  });

  test.each([
    [{ circuitBreaker: { failureThreshold: 0 } }, 'circuitBreaker.failureThreshold', 'got 0'],
    [{ circuitBreaker: { failureThreshold: 1.5 } }, 'circuitBreaker.failureThreshold', 'integer'],
    [{ circuitBreaker: { windowMs: 0 } }, 'circuitBreaker.windowMs', 'got 0'],
    [{ circuitBreaker: { recoveryTimeoutMs: -1 } }, 'circuitBreaker.recoveryTimeoutMs', 'got -1'],
    [{ circuitBreaker: { halfOpenRequests: '3' } }, 'circuitBreaker.halfOpenRequests', 'got "3"'],
    [{ circuitBreaker: { excludedKinds: ['fatal'] } }, 'circuitBreaker.excludedKinds', 'transient | permanent'],
    [{ circuitBreaker: { isFailure: 'yes' } }, 'circuitBreaker.isFailure', 'must be a function'],
    [{ circuitBreaker: { isFailure: () => true, excludedKinds: [] } }, 'circuitBreaker.isFailure', 'cannot both be set'],
    [{ timeouts: { minMs: 500, maxMs: 100 } }, 'timeouts.minMs', '≤ timeouts.maxMs (100)'],
    [{ timeouts: { initialMs: 5 } }, 'timeouts.initialMs', 'from 25 to 500'],
    [{ timeouts: { maxMs: 2 ** 31 } }, 'timeouts.maxMs', '2147483647'],
    [{ timeouts: { percentile: 0 } }, 'timeouts.percentile', 'got 0'],
    [{ timeouts: { percentile: 101 } }, 'timeouts.percentile', 'got 101'],
    [{ timeouts: { minSamples: 2000 } }, 'timeouts.minSamples', 'from 1 to 1000'],
    [{ timeouts: { multiplier: 0.5 } }, 'timeouts.multiplier', 'got 0.5'],
    [{ timeouts: { initialMs: Number.NaN } }, 'timeouts.initialMs', 'got NaN'],
    [{ backpressure: { maxConcurrent: 0 } }, 'backpressure.maxConcurrent', 'got 0'],
    [{ backpressure: { queueSize: -1 } }, 'backpressure.queueSize', 'got -1'],
    [{ backpressure: { queueTimeoutMs: Infinity } }, 'backpressure.queueTimeoutMs', 'got Infinity'],
    [{ lock: { leaseMs: 10.5 } }, 'lock.leaseMs', 'integer'],
    [{ lock: { leaseMs: 2 ** 31 } }, 'lock.leaseMs', '2147483647'],
    [{ lock: { enabled: 'yes' } }, 'lock.enabled', 'boolean'],
    [{ lock: { waitTimeoutMs: -5 } }, 'lock.waitTimeoutMs', 'got -5'],
    [{ timeouts: true }, 'timeouts', 'options object or false'],
  ])('%j → %s', (options, path, detail) => {
    const error = errorOf(options);
    expect(error.message).toContain(`Invalid option ${path}:`);
    expect(error.message).toContain(detail);
    expect(error.message).toContain('Fix:');
  });

  test('an unknown option is rejected with a suggestion', () => {
    const error = errorOf({ circuitBreaker: { failureTreshold: 3 } });
    expect(error.message).toContain('circuitBreaker.failureTreshold');
    expect(error.message).toContain('Fix: rename it to circuitBreaker.failureThreshold.');
  });

  test('an unknown group is rejected', () => {
    expect(errorOf({ retries: 3 }).message).toContain('Invalid option retries');
  });

  test('options that are not an object are rejected', () => {
    expect(errorOf(42).message).toContain('it must be an options object');
  });
});
