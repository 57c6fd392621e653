import { describe, expect, test } from 'vitest';
import { BackendError } from '../../src/errors';
import { CircuitBreaker, type CircuitStateChange } from '../../src/reliability/circuit-breaker';
import { DEFAULT_CIRCUIT_BREAKER, type CircuitBreakerOptions } from '../../src/reliability/options';
import { resolveReliabilityOptions } from '../../src/reliability/validate-options';
import { ManualClock } from './support/manual-clock';

function makeBreaker(overrides: Partial<CircuitBreakerOptions> = {}) {
  const clock = new ManualClock(1_000);
  const resolved = resolveReliabilityOptions({ circuitBreaker: overrides }).circuitBreaker;
  if (resolved === false) throw new Error('breaker disabled');
  const breaker = new CircuitBreaker(resolved, { clock, name: 'test' });
  const changes: CircuitStateChange[] = [];
  breaker.on('stateChange', (c) => changes.push(c));
  return { clock, breaker, changes };
}

/** Admits one request and reports it failed. */
function fail(breaker: CircuitBreaker): void {
  const ticket = breaker.acquire();
  if (ticket === null) throw new Error('request was not admitted');
  breaker.onFailure(ticket);
}

/** Drives a fresh breaker to open with `failureThreshold` failures. */
function open(breaker: CircuitBreaker, threshold = DEFAULT_CIRCUIT_BREAKER.failureThreshold): void {
  for (let i = 0; i < threshold; i++) fail(breaker);
}

describe('CircuitBreaker', () => {
  test('starts closed and admits every request', () => {
    const { breaker } = makeBreaker();
    expect(breaker.state).toBe('closed');
    for (let i = 0; i < 100; i++) expect(breaker.acquire()).not.toBeNull();
  });

  test('opens after failureThreshold failures within the window, not before', () => {
    const { breaker, changes } = makeBreaker({ failureThreshold: 3 });
    fail(breaker);
    fail(breaker);
    expect(breaker.state).toBe('closed');
    fail(breaker);
    expect(breaker.state).toBe('open');
    expect(changes.map((c) => [c.from, c.to])).toEqual([['closed', 'open']]);
  });

  test('failures older than windowMs are forgotten', async () => {
    const { breaker, clock } = makeBreaker({ failureThreshold: 3, windowMs: 1_000 });
    fail(breaker);
    fail(breaker);
    await clock.advance(1_001);
    fail(breaker);
    fail(breaker);
    expect(breaker.state).toBe('closed');
    expect(breaker.stats().failuresInWindow).toBe(2);
    fail(breaker);
    expect(breaker.state).toBe('open');
  });

  test('successes while closed do not erase failures inside the window', () => {
    const { breaker } = makeBreaker({ failureThreshold: 3 });
    fail(breaker);
    fail(breaker);
    for (let i = 0; i < 10; i++) breaker.onSuccess(breaker.acquire()!);
    fail(breaker);
    expect(breaker.state).toBe('open');
  });

  test('open bypasses every request until recoveryTimeoutMs has passed', async () => {
    const { breaker, clock } = makeBreaker({ recoveryTimeoutMs: 5_000 });
    open(breaker);
    expect(breaker.acquire()).toBeNull();
    await clock.advance(4_999);
    expect(breaker.acquire()).toBeNull();
    expect(breaker.state).toBe('open');
    expect(breaker.stats().rejected).toBe(2);
  });

  test('moves to half-open after recoveryTimeoutMs and admits at most halfOpenRequests probes at once', async () => {
    const { breaker, clock, changes } = makeBreaker({ halfOpenRequests: 3, successThreshold: 2 });
    open(breaker);
    await clock.advance(DEFAULT_CIRCUIT_BREAKER.recoveryTimeoutMs);
    expect(breaker.state).toBe('half-open');
    const probes = [breaker.acquire(), breaker.acquire(), breaker.acquire()];
    expect(probes.every((p) => p !== null && p.probe)).toBe(true);
    expect(breaker.acquire()).toBeNull();
    expect(breaker.stats().probesInFlight).toBe(3);
    expect(changes.map((c) => c.to)).toEqual(['open', 'half-open']);
  });

  test('a finished probe frees its slot for the next one (a concurrency cap, not a total)', async () => {
    const { breaker, clock } = makeBreaker({ halfOpenRequests: 1, successThreshold: 1 });
    open(breaker);
    await clock.advance(DEFAULT_CIRCUIT_BREAKER.recoveryTimeoutMs);
    const probe = breaker.acquire()!;
    expect(breaker.acquire()).toBeNull();
    breaker.onIgnored(probe);
    expect(breaker.acquire()).not.toBeNull();
  });

  test('closes after successThreshold probe successes', async () => {
    const { breaker, clock, changes } = makeBreaker({ halfOpenRequests: 3, successThreshold: 2 });
    open(breaker);
    await clock.advance(DEFAULT_CIRCUIT_BREAKER.recoveryTimeoutMs);
    const a = breaker.acquire()!;
    const b = breaker.acquire()!;
    breaker.onSuccess(a);
    expect(breaker.state).toBe('half-open');
    breaker.onSuccess(b);
    expect(breaker.state).toBe('closed');
    expect(changes.map((c) => c.to)).toEqual(['open', 'half-open', 'closed']);
  });

  test('recovers with the defaults when driven only through acquire (Python defect not ported)', async () => {
    const { breaker, clock } = makeBreaker();
    open(breaker);
    await clock.advance(DEFAULT_CIRCUIT_BREAKER.recoveryTimeoutMs);
    for (let i = 0; i < DEFAULT_CIRCUIT_BREAKER.successThreshold; i++) {
      const ticket = breaker.acquire();
      expect(ticket).not.toBeNull();
      breaker.onSuccess(ticket!);
    }
    expect(breaker.state).toBe('closed');
  });

  test('a probe failure reopens and restarts the recovery timer', async () => {
    const { breaker, clock } = makeBreaker({ recoveryTimeoutMs: 1_000 });
    open(breaker);
    await clock.advance(1_000);
    const probe = breaker.acquire()!;
    await clock.advance(300);
    breaker.onFailure(probe);
    expect(breaker.state).toBe('open');
    expect(breaker.stats().openedAt).toBe(clock.now());
    await clock.advance(999);
    expect(breaker.acquire()).toBeNull();
    await clock.advance(1);
    expect(breaker.acquire()?.probe).toBe(true);
  });

  test('reports of tickets from an earlier state are ignored', async () => {
    const { breaker, clock } = makeBreaker({ failureThreshold: 2 });
    const slow = breaker.acquire()!;
    open(breaker, 2);
    await clock.advance(DEFAULT_CIRCUIT_BREAKER.recoveryTimeoutMs);
    const probe = breaker.acquire()!;
    // The slow request from the closed era fails late: it must not reopen the half-open breaker.
    breaker.onFailure(slow);
    expect(breaker.state).toBe('half-open');
    expect(breaker.stats().probesInFlight).toBe(1);
    breaker.onSuccess(slow);
    expect(breaker.stats().probeSuccesses).toBe(0);
    breaker.onSuccess(probe);
    expect(breaker.stats().probeSuccesses).toBe(1);
  });

  test('permanent errors are excluded by default; transient, timeout, authentication and unknown count', () => {
    const { breaker } = makeBreaker();
    expect(breaker.isFailure(new BackendError('WRONGTYPE', 'permanent'))).toBe(false);
    expect(breaker.isFailure(new BackendError('reset', 'transient'))).toBe(true);
    expect(breaker.isFailure(new BackendError('slow', 'timeout'))).toBe(true);
    expect(breaker.isFailure(new BackendError('WRONGPASS', 'authentication'))).toBe(true);
    expect(breaker.isFailure(new Error('who knows'))).toBe(true);
  });

  test('an excluded error does not count and frees its probe slot', async () => {
    const { breaker, clock } = makeBreaker({ failureThreshold: 2, halfOpenRequests: 1, successThreshold: 1 });
    for (let i = 0; i < 10; i++) breaker.onError(breaker.acquire()!, new BackendError('WRONGTYPE', 'permanent'));
    expect(breaker.state).toBe('closed');
    open(breaker, 2);
    await clock.advance(DEFAULT_CIRCUIT_BREAKER.recoveryTimeoutMs);
    const probe = breaker.acquire()!;
    expect(breaker.onError(probe, new BackendError('WRONGTYPE', 'permanent'))).toBe(false);
    expect(breaker.state).toBe('half-open');
    expect(breaker.acquire()).not.toBeNull();
  });

  test('excludedKinds replaces the default exclusion list', () => {
    const { breaker } = makeBreaker({ excludedKinds: ['authentication'] });
    expect(breaker.isFailure(new BackendError('WRONGPASS', 'authentication'))).toBe(false);
    expect(breaker.isFailure(new BackendError('WRONGTYPE', 'permanent'))).toBe(true);
  });

  test('an isFailure predicate decides, except that timeouts always count', () => {
    const seen: string[] = [];
    const { breaker } = makeBreaker({
      isFailure: (_error, category) => {
        seen.push(category);
        return category === 'permanent';
      },
    });
    expect(breaker.isFailure(new BackendError('x', 'permanent'))).toBe(true);
    expect(breaker.isFailure(new BackendError('x', 'transient'))).toBe(false);
    expect(breaker.isFailure(new BackendError('x', 'timeout'))).toBe(true);
    expect(seen).toEqual(['permanent', 'transient']);
  });

  test('integrity errors never count as backend failures', () => {
    const { breaker } = makeBreaker();
    const corrupt = Object.assign(new Error('checksum mismatch'), { code: 'ERR_CHECKSUM_MISMATCH' });
    expect(breaker.isFailure(corrupt)).toBe(false);
  });

  test('reset closes an open breaker', () => {
    const { breaker } = makeBreaker();
    open(breaker);
    breaker.reset();
    expect(breaker.state).toBe('closed');
    expect(breaker.stats().failuresInWindow).toBe(0);
  });

  test('stats report the state machine counters', async () => {
    const { breaker, clock } = makeBreaker();
    fail(breaker);
    expect(breaker.stats()).toMatchObject({ name: 'test', state: 'closed', failuresInWindow: 1, opened: 0, lastFailureAt: clock.now() });
    open(breaker, 4);
    expect(breaker.stats()).toMatchObject({ state: 'open', opened: 1, openedAt: clock.now() });
  });
});
