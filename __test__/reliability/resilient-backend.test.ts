import { describe, expect, test } from 'vitest';
import { BackendError, IntegrityError } from '../../src/errors';
import type { CacheBackend } from '../../src/backends/types';
import { DEFAULT_TIMEOUTS, type ReliabilityOptions } from '../../src/reliability/options';
import type { OperationResult } from '../../src/reliability/operation-result';
import { ResilientBackend } from '../../src/reliability/resilient-backend';
import type { OperationFailure } from '../../src/reliability/resilient-backend-events';
import { hungGetTimesOut, settleGetTimeoutAtMinimum } from './support/adaptive-get';
import { ManualClock, flushMicrotasks } from './support/manual-clock';
import { ScriptedBackend } from './support/scripted-backend';
import { track } from './support/track';

function setup(options: ReliabilityOptions = {}) {
  const clock = new ManualClock();
  const backend = new ScriptedBackend(clock);
  const resilient = new ResilientBackend(backend, options, { clock, namespace: 'ns' });
  const failures: OperationFailure[] = [];
  resilient.on('failure', (f) => failures.push(f));
  return { clock, backend, resilient, failures };
}

const transient = () => new BackendError('connection reset', 'transient', { operation: 'get' });

describe('ResilientBackend: answers', () => {
  test('passes values, misses and writes through', async () => {
    const { resilient } = setup();
    expect(await resilient.get('k')).toEqual({ ok: true, value: null, latencyMs: expect.any(Number) });
    expect(await resilient.set('k', Buffer.from('v'))).toBe(true);
    const hit = await resilient.get('k');
    expect(hit.ok && hit.value?.toString()).toBe('v');
    expect(await resilient.exists('k')).toEqual({ ok: true, value: true, latencyMs: expect.any(Number) });
    expect(await resilient.delete('k')).toEqual({ ok: true, value: true, latencyMs: expect.any(Number) });
    expect(resilient.stats().succeeded).toBe(5);
  });

  test('optional capabilities the backend lacks answer unsupported', async () => {
    const { resilient } = setup();
    expect(await resilient.getTtl('k')).toEqual({ ok: false, reason: 'unsupported' });
    expect(await resilient.refreshTtl('k', 5)).toEqual({ ok: false, reason: 'unsupported' });
    expect(await resilient.clearPrefix('p')).toEqual({ ok: false, reason: 'unsupported' });
    expect(await resilient.getMany(['a'])).toEqual({ ok: false, reason: 'unsupported' });
    expect(await resilient.setMany([{ key: 'a', value: Buffer.from('x') }])).toBe(false);
    expect(resilient.supportsLocks).toBe(true);
    expect(resilient.supportsTtl).toBe(false);
  });
});

describe('ResilientBackend never throws', () => {
  const failureModes: Array<[string, (b: ScriptedBackend) => void]> = [
    ['a transient rejection', (b) => void b.next({ kind: 'error', error: transient() })],
    ['a permanent rejection', (b) => void b.next({ kind: 'error', error: new BackendError('WRONGTYPE', 'permanent') })],
    ['an authentication rejection', (b) => void b.next({ kind: 'error', error: new BackendError('WRONGPASS', 'authentication') })],
    ['a raw non-Error rejection', (b) => void b.next({ kind: 'error', error: 'just a string' })],
    ['a rejection with undefined', (b) => void b.next({ kind: 'error', error: undefined })],
  ];

  test.each(failureModes)('get with %s answers ok:false reason error', async (_name, script) => {
    const { backend, resilient } = setup();
    script(backend);
    const result = await resilient.get('k');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toBe('error');
  });

  test.each(failureModes)('set with %s answers false and counts a dropped write', async (_name, script) => {
    const { backend, resilient } = setup();
    script(backend);
    expect(await resilient.set('k', Buffer.from('v'))).toBe(false);
    expect(resilient.stats().droppedWrites).toBe(1);
  });

  test('a backend that throws synchronously', async () => {
    const clock = new ManualClock();
    const backend = new ScriptedBackend(clock);
    const throwing: CacheBackend = Object.assign(Object.create(backend) as ScriptedBackend, {
      get: () => {
        throw new Error('sync boom');
      },
    });
    const resilient = new ResilientBackend(throwing, {}, { clock });
    const result = await resilient.get('k');
    expect(result).toMatchObject({ ok: false, reason: 'error' });
    expect(!result.ok && (result.error as Error).message).toBe('sync boom');
  });

  test('a hanging backend times out at the initial timeout; the backend is told to give up at maxMs', async () => {
    const { clock, backend, resilient, failures } = setup();
    backend.next({ kind: 'hang' });
    const pending = track(resilient.get('k'));
    await clock.advance(249);
    expect(pending.settled).toBe(false);
    await clock.advance(1);
    expect(pending.value).toMatchObject({ ok: false, reason: 'timeout' });
    const error = (pending.value as { error: BackendError }).error;
    expect(error).toBeInstanceOf(BackendError);
    expect(error.kind).toBe('timeout');
    expect(failures[0]).toMatchObject({ operation: 'get', reason: 'timeout', category: 'timeout', countedByBreaker: true });
    expect(resilient.stats().timeouts.get?.timeouts).toBe(1);
    // The backend may still answer (and teach the timeout) until the ceiling.
    expect(backend.signals[0]?.aborted).toBe(false);
    await clock.advance(DEFAULT_TIMEOUTS.maxMs - 250);
    expect(backend.signals[0]?.aborted).toBe(true);
  });

  test('an answer after the timeout raises the timeout to cover it; a timeout without an answer does not', async () => {
    const parts = setup();
    const { backend, resilient } = parts;
    await settleGetTimeoutAtMinimum(resilient);
    await hungGetTimesOut(parts, DEFAULT_TIMEOUTS.maxMs);
    // A backend gives up with an error once its signal fires.
    backend.failHung(new Error('gave up'));
    await flushMicrotasks();
    expect(resilient.stats().timeouts.get).toMatchObject({ timeoutMs: DEFAULT_TIMEOUTS.minMs, timeouts: 1, lateAnswers: 0 });
    await hungGetTimesOut(parts, 40);
    backend.releaseHung();
    await flushMicrotasks();
    expect(resilient.stats().timeouts.get).toMatchObject({ timeoutMs: 60, timeouts: 2, lateAnswers: 1 });
  });

  test('a late answer after a timeout is dropped and its late rejection is not unhandled', async () => {
    const { clock, backend, resilient } = setup();
    backend.next({ kind: 'hang' });
    const result = resilient.get('k');
    await clock.advance(250);
    expect(await result).toMatchObject({ ok: false, reason: 'timeout' });
    backend.failHung(new Error('late'));
    await flushMicrotasks();
    expect(resilient.stats().failures.error).toBe(0);
  });

  test('once latencies are known, the timeout shrinks to minMs', async () => {
    const { clock, backend, resilient } = setup();
    for (let i = 0; i < 20; i++) await resilient.get('k');
    backend.next({ kind: 'hang' });
    const pending = track(resilient.get('k'));
    await clock.advance(25);
    expect(pending.value).toMatchObject({ ok: false, reason: 'timeout' });
    expect(resilient.stats().timeouts.get?.timeoutMs).toBe(25);
  });

  test('a large write gets 1 ms more per 64 KiB; a read of the same duration still times out', async () => {
    const { clock, backend, resilient } = setup();
    for (let i = 0; i < 20; i++) await resilient.set('warm', Buffer.from('v'));
    const large = Buffer.alloc(64 * 1024 * 100); // +100 ms
    backend.next({ kind: 'delay', ms: 110 });
    const write = track(resilient.set('big', large));
    await clock.advance(110);
    expect(write.value).toBe(true);
    for (let i = 0; i < 20; i++) await resilient.get('warm');
    backend.next({ kind: 'delay', ms: 110 });
    const read = track(resilient.get('big'));
    await clock.advance(110);
    expect(read.value).toMatchObject({ ok: false, reason: 'timeout' });
  });

  test('operations have separate timeouts: lock operations share one', async () => {
    const { resilient } = setup();
    for (let i = 0; i < 20; i++) await resilient.get('k');
    await resilient.acquireLock('k', 't', 1_000);
    await resilient.releaseLock('k', 't');
    const timeouts = resilient.stats().timeouts;
    expect(timeouts.get?.timeoutMs).toBe(25);
    expect(timeouts.acquireLock).toMatchObject({ samples: 2, timeoutMs: 250 });
    expect(timeouts.releaseLock).toBeUndefined();
  });

  test("the caller's signal stops the wait, not counted by the breaker", async () => {
    const { backend, resilient } = setup({ circuitBreaker: { failureThreshold: 1 } });
    backend.next({ kind: 'hang' });
    const controller = new AbortController();
    const pending = resilient.get('k', controller.signal);
    controller.abort(new Error('client went away'));
    expect(await pending).toEqual({ ok: false, reason: 'aborted' });
    expect(resilient.stats().breaker?.state).toBe('closed');
    expect(await resilient.get('k', AbortSignal.abort())).toEqual({ ok: false, reason: 'aborted' });
  });

  test('with adaptive timeouts off, a hanging call still ends, at the fixed default ceiling', async () => {
    const { clock, backend, resilient } = setup({ timeouts: false });
    backend.next({ kind: 'hang' });
    const pending = track(resilient.get('k'));
    await clock.advance(DEFAULT_TIMEOUTS.maxMs - 1);
    expect(pending.settled).toBe(false);
    await clock.advance(1);
    expect(pending.value).toMatchObject({ ok: false, reason: 'timeout' });
  });

  test('all operations of a close() answer closed', async () => {
    const { resilient } = setup();
    await resilient.close();
    expect(await resilient.get('k')).toEqual({ ok: false, reason: 'closed' });
    expect(await resilient.set('k', Buffer.from('v'))).toBe(false);
    expect(await resilient.acquireLock('k', 't', 100)).toEqual({ ok: false, reason: 'closed' });
  });
});

describe('ResilientBackend: circuit breaker', () => {
  test('opens after failureThreshold backend failures and then bypasses the backend', async () => {
    const { backend, resilient } = setup();
    const states: string[] = [];
    resilient.on('stateChange', (c) => states.push(c.to));
    backend.always({ kind: 'error', error: transient() });
    for (let i = 0; i < 5; i++) expect(await resilient.get('k')).toMatchObject({ reason: 'error' });
    expect(states).toEqual(['open']);
    const callsBefore = backend.calls.get;
    expect(await resilient.get('k')).toEqual({ ok: false, reason: 'breaker-open' });
    expect(await resilient.set('k', Buffer.from('v'))).toBe(false);
    expect(backend.calls.get).toBe(callsBefore);
    expect(resilient.bypassing).toBe(true);
    expect(resilient.stats().failures['breaker-open']).toBe(2);
  });

  test('recovers through half-open probes once the backend is back', async () => {
    const { clock, backend, resilient } = setup();
    backend.always({ kind: 'error', error: transient() });
    for (let i = 0; i < 5; i++) await resilient.get('k');
    backend.always({ kind: 'ok' });
    await clock.advance(5_000);
    expect((await resilient.get('k')).ok).toBe(true);
    expect(resilient.stats().breaker?.state).toBe('half-open');
    expect((await resilient.get('k')).ok).toBe(true);
    expect(resilient.stats().breaker?.state).toBe('closed');
  });

  test('timeouts count as failures', async () => {
    const { clock, backend, resilient } = setup({ circuitBreaker: { failureThreshold: 2 } });
    backend.always({ kind: 'hang' });
    void resilient.get('a');
    void resilient.get('b');
    await clock.advance(250);
    expect(resilient.stats().breaker?.state).toBe('open');
  });

  test('permanent errors do not open it', async () => {
    const { backend, resilient } = setup();
    backend.always({ kind: 'error', error: new BackendError('WRONGTYPE', 'permanent') });
    for (let i = 0; i < 20; i++) await resilient.get('k');
    expect(resilient.stats().breaker?.state).toBe('closed');
    expect(resilient.stats().errorsByCategory.permanent).toBe(20);
  });

  test('integrity events are counted and never reach the breaker', async () => {
    const { resilient } = setup({ circuitBreaker: { failureThreshold: 1 } });
    const seen: unknown[] = [];
    resilient.on('integrity', (e) => seen.push(e.error));
    const corrupt = new IntegrityError('checksum mismatch');
    resilient.recordIntegrityEvent(corrupt);
    expect(seen).toEqual([corrupt]);
    expect(resilient.stats()).toMatchObject({ integrityEvents: 1, errorsByCategory: { integrity: 1 } });
    expect(resilient.stats().breaker?.state).toBe('closed');
  });

  test('a breaker can be disabled', async () => {
    const { backend, resilient } = setup({ circuitBreaker: false });
    backend.always({ kind: 'error', error: transient() });
    for (let i = 0; i < 20; i++) expect(await resilient.get('k')).toMatchObject({ reason: 'error' });
    expect(resilient.stats().breaker).toBeNull();
  });
});

describe('ResilientBackend: backpressure', () => {
  test('at most maxConcurrent operations reach the backend; the rest queue, then overflow as overload', async () => {
    const { clock, backend, resilient } = setup({ backpressure: { maxConcurrent: 2, queueSize: 3, queueTimeoutMs: 100 } });
    backend.always({ kind: 'hang' });
    const results = Array.from({ length: 10 }, (_, i) => track(resilient.get(`k${i}`)));
    await flushMicrotasks();
    expect(backend.inFlight).toBe(2);
    // 2 in flight, 3 queued, 5 turned away at once.
    expect(results.filter((r) => r.settled).map((r) => r.value)).toEqual(Array(5).fill({ ok: false, reason: 'overload' }));
    await clock.advance(100);
    expect(results.filter((r) => r.settled && (r.value as OperationResult<unknown>).ok === false).length).toBe(8);
    expect(resilient.stats().failures.overload).toBe(8);
    expect(backend.maxInFlight).toBe(2);
  });

  test('permits are released when the backend rejects', async () => {
    const { backend, resilient } = setup({ backpressure: { maxConcurrent: 1, queueSize: 0, queueTimeoutMs: 0 } });
    backend.next({ kind: 'error', error: transient() });
    expect(await resilient.get('a')).toMatchObject({ reason: 'error' });
    expect(await resilient.get('b')).toEqual({ ok: true, value: null, latencyMs: expect.any(Number) });
    expect(resilient.stats().backpressure?.inFlight).toBe(0);
  });

  test('an abandoned (timed-out) operation keeps its permit until the backend settles', async () => {
    const { clock, backend, resilient } = setup({ backpressure: { maxConcurrent: 1, queueSize: 0, queueTimeoutMs: 0 } });
    backend.next({ kind: 'hang' });
    const first = resilient.get('a');
    await clock.advance(250);
    expect(await first).toMatchObject({ reason: 'timeout' });
    expect(await resilient.get('b')).toEqual({ ok: false, reason: 'overload' });
    backend.releaseHung();
    await flushMicrotasks();
    expect(await resilient.get('b')).toEqual({ ok: true, value: null, latencyMs: expect.any(Number) });
  });

  test('overload is not counted by the breaker', async () => {
    const { backend, resilient } = setup({ backpressure: { maxConcurrent: 1, queueSize: 0, queueTimeoutMs: 0 }, circuitBreaker: { failureThreshold: 1 } });
    backend.next({ kind: 'hang' });
    void resilient.get('a');
    for (let i = 0; i < 10; i++) expect(await resilient.get('b')).toMatchObject({ reason: 'overload' });
    expect(resilient.stats().breaker?.state).toBe('closed');
  });

  test('a queued operation whose caller aborts answers aborted', async () => {
    const { backend, resilient } = setup({ backpressure: { maxConcurrent: 1, queueSize: 5, queueTimeoutMs: 100 } });
    backend.next({ kind: 'hang' });
    void resilient.get('a');
    const controller = new AbortController();
    const queued = resilient.get('b', controller.signal);
    controller.abort();
    expect(await queued).toEqual({ ok: false, reason: 'aborted' });
  });

  test('close() turns queued operations away', async () => {
    const { backend, resilient } = setup({ backpressure: { maxConcurrent: 1, queueSize: 5, queueTimeoutMs: 100 } });
    backend.next({ kind: 'hang' });
    void resilient.get('a');
    const queued = resilient.get('b');
    const closing = track(resilient.close());
    expect(await queued).toEqual({ ok: false, reason: 'closed' });
    // close() waits for the call already sent, then resolves.
    await flushMicrotasks();
    expect(closing.settled).toBe(false);
    backend.releaseHung();
    await flushMicrotasks();
    expect(closing.settled).toBe(true);
  });

  test('close() stops waiting for a call that never settles after timeouts.maxMs', async () => {
    const { clock, backend, resilient } = setup();
    backend.next({ kind: 'hang' });
    void resilient.get('a');
    const closing = track(resilient.close());
    await clock.advance(DEFAULT_TIMEOUTS.maxMs - 1);
    expect(closing.settled).toBe(false);
    await clock.advance(1);
    expect(closing.settled).toBe(true);
  });
});

describe('ResilientBackend: observability and lifecycle', () => {
  test('the operation event reports each finished call while someone listens', async () => {
    const { resilient } = setup();
    const seen: string[] = [];
    const off = resilient.on('operation', (e) => seen.push(`${e.operation}:${e.ok}`));
    await resilient.get('k');
    await resilient.set('k', Buffer.from('v'));
    off();
    await resilient.get('k');
    expect(seen).toEqual(['get:true', 'set:true']);
  });

  test('a throwing listener does not break the operation', async () => {
    const { backend, resilient } = setup();
    resilient.on('failure', () => {
      throw new Error('observer bug');
    });
    backend.next({ kind: 'error', error: transient() });
    expect(await resilient.get('k')).toMatchObject({ ok: false, reason: 'error' });
  });

  test('healthCheck never throws and is bounded', async () => {
    const clock = new ManualClock();
    const base = new ScriptedBackend(clock);
    const hanging = Object.assign(Object.create(base) as ScriptedBackend, { healthCheck: () => new Promise(() => {}) });
    const resilient = new ResilientBackend(hanging, {}, { clock });
    const pending = track(resilient.healthCheck());
    await clock.advance(1_000);
    expect(pending.value).toMatchObject({ ok: false, latencyMs: -1, details: { circuitState: 'closed' } });
    const throwing = Object.assign(Object.create(base) as ScriptedBackend, {
      healthCheck: () => {
        throw new Error('nope');
      },
    });
    expect(await new ResilientBackend(throwing, {}, { clock }).healthCheck()).toMatchObject({ ok: false, details: { error: 'nope' } });
  });

  test('close() closes the backend only when it owns it', async () => {
    let closed = 0;
    const backend = Object.assign(new ScriptedBackend(), { close: async () => void closed++ });
    await new ResilientBackend(backend).close();
    expect(closed).toBe(0);
    const owner = new ResilientBackend(backend, {}, { ownsBackend: true });
    await owner.close();
    await owner.close();
    expect(closed).toBe(1);
  });

  test('invalid options throw a ConfigurationError naming the reliability path', () => {
    expect(() => new ResilientBackend(new ScriptedBackend(), { backpressure: { maxConcurrent: 0 } })).toThrow(
      /reliability\.backpressure\.maxConcurrent/,
    );
  });

  test('no timers are left behind once operations finished and their slots ended', async () => {
    const { clock, resilient } = setup();
    for (let i = 0; i < 50; i++) await resilient.get('k');
    await clock.advance(1_000);
    expect(clock.pendingTimers).toBe(0);
  });
});
