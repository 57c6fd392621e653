/**
 * The reliability layer owns every deadline: backends hold no timers. A call ends at its
 * adaptive deadline for the caller; the operation is given up at the ceiling (its permit comes
 * back, a late answer is ignored); a backend that declares `cancellable` is told then, the
 * others are handed nothing to watch.
 */
import { describe, expect, test } from 'vitest';
import type { BackendCallOptions } from '../../src/backends/types';
import { DEFAULT_TIMEOUTS, type ReliabilityOptions } from '../../src/reliability/options';
import { ResilientBackend } from '../../src/reliability/resilient-backend';
import { hungGetTimesOut, settleGetTimeoutAtMinimum } from './support/adaptive-get';
import { ManualClock, flushMicrotasks } from './support/manual-clock';
import { ScriptedBackend } from './support/scripted-backend';
import { track } from './support/track';

/** A scripted backend that records the options of each read. */
class RecordingBackend extends ScriptedBackend {
  readonly received: Array<BackendCallOptions | undefined> = [];

  override get(key: string, options?: BackendCallOptions): Promise<Buffer | null> {
    this.received.push(options);
    return super.get(key, options);
  }
}

function setup(options: ReliabilityOptions = {}, cancellable = false) {
  const clock = new ManualClock();
  const backend = new RecordingBackend(clock);
  backend.cancellable = cancellable;
  const resilient = new ResilientBackend(backend, options, { clock });
  return { clock, backend, resilient };
}

describe('ResilientBackend: the one owner of deadlines', () => {
  test('a backend that cannot cancel work is handed no signal, even when the caller has one', async () => {
    const { backend, resilient } = setup();
    expect(await resilient.get('k', new AbortController().signal)).toEqual({ ok: true, value: null, latencyMs: expect.any(Number) });
    expect(backend.received[0]?.signal).toBeUndefined();
  });

  test('a cancellable backend is handed the signal of the give-up time, which aborts at maxMs', async () => {
    const { clock, backend, resilient } = setup({}, true);
    backend.next({ kind: 'hang' });
    const pending = track(resilient.get('k'));
    const signal = backend.received[0]?.signal;
    expect(signal).toBeInstanceOf(AbortSignal);
    await clock.advance(250);
    expect(pending.value).toMatchObject({ ok: false, reason: 'timeout' });
    expect(signal?.aborted).toBe(false);
    await clock.advance(DEFAULT_TIMEOUTS.maxMs - 250);
    expect(signal?.aborted).toBe(true);
  });

  test('a hanging call times out at the adaptive deadline; its permit comes back at maxMs without an answer', async () => {
    const { clock, backend, resilient } = setup({ backpressure: { maxConcurrent: 1, queueSize: 0, queueTimeoutMs: 0 } });
    backend.next({ kind: 'hang' });
    const first = track(resilient.get('a'));
    await clock.advance(250);
    expect(first.value).toMatchObject({ ok: false, reason: 'timeout' });
    // Between the caller's deadline and the backend's give-up time, the backend still holds its permit.
    expect(await resilient.get('b')).toEqual({ ok: false, reason: 'overload' });
    await clock.advance(DEFAULT_TIMEOUTS.maxMs - 250 - 1);
    expect(await resilient.get('b')).toEqual({ ok: false, reason: 'overload' });
    await clock.advance(1);
    expect(resilient.stats().backpressure?.inFlight).toBe(0);
    expect(await resilient.get('b')).toEqual({ ok: true, value: null, latencyMs: expect.any(Number) });
    expect(backend.hungCount).toBe(1);
  });

  test('an answer before the give-up time teaches the timeout; one after it is ignored and returns no permit twice', async () => {
    const parts = setup();
    const { backend, resilient } = parts;
    await settleGetTimeoutAtMinimum(resilient);

    await hungGetTimesOut(parts, DEFAULT_TIMEOUTS.maxMs);
    expect(resilient.stats().backpressure?.inFlight).toBe(0);
    backend.releaseHung();
    await flushMicrotasks();
    expect(resilient.stats().timeouts.get).toMatchObject({ timeoutMs: DEFAULT_TIMEOUTS.minMs, timeouts: 1, lateAnswers: 0 });
    expect(resilient.stats().backpressure?.inFlight).toBe(0);
    expect(resilient.stats().succeeded).toBe(40);

    await hungGetTimesOut(parts, 40);
    backend.releaseHung();
    await flushMicrotasks();
    expect(resilient.stats().timeouts.get).toMatchObject({ timeoutMs: 60, timeouts: 2, lateAnswers: 1 });
    expect(resilient.stats().backpressure?.inFlight).toBe(0);
  });

  test('a late rejection after the give-up time is neither counted nor unhandled', async () => {
    const { clock, backend, resilient } = setup();
    backend.next({ kind: 'hang' });
    const result = resilient.get('k');
    await clock.advance(DEFAULT_TIMEOUTS.maxMs);
    expect(await result).toMatchObject({ ok: false, reason: 'timeout' });
    backend.failHung(new Error('late'));
    await flushMicrotasks();
    expect(resilient.stats().failures.error).toBe(0);
    expect(resilient.stats().backpressure?.inFlight).toBe(0);
  });

  test("a call the caller's signal stopped is given up at maxMs as well", async () => {
    const { clock, backend, resilient } = setup({ backpressure: { maxConcurrent: 1, queueSize: 0, queueTimeoutMs: 0 } });
    backend.next({ kind: 'hang' });
    const controller = new AbortController();
    const pending = resilient.get('a', controller.signal);
    controller.abort();
    expect(await pending).toEqual({ ok: false, reason: 'aborted' });
    expect(await resilient.get('b')).toEqual({ ok: false, reason: 'overload' });
    await clock.advance(DEFAULT_TIMEOUTS.maxMs);
    expect(await resilient.get('b')).toEqual({ ok: true, value: null, latencyMs: expect.any(Number) });
  });

  test('close() resolves once every delegated call was answered or given up', async () => {
    const { clock, backend, resilient } = setup();
    backend.next({ kind: 'hang' });
    void resilient.get('a');
    await clock.advance(250);
    const closing = track(resilient.close());
    await clock.advance(DEFAULT_TIMEOUTS.maxMs - 250 - 1);
    expect(closing.settled).toBe(false);
    await clock.advance(1);
    expect(closing.settled).toBe(true);
  });

  test('no timers are left once calls were answered or given up', async () => {
    const { clock, backend, resilient } = setup();
    backend.next({ kind: 'hang' });
    void resilient.get('a');
    await resilient.get('b');
    await clock.advance(DEFAULT_TIMEOUTS.maxMs + 1);
    expect(clock.pendingTimers).toBe(0);
  });
});
