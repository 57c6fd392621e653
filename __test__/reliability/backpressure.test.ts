import { describe, expect, test } from 'vitest';
import { Backpressure, type PermitOutcome } from '../../src/reliability/backpressure';
import { ManualClock, flushMicrotasks } from './support/manual-clock';

function makeBackpressure(maxConcurrent: number, queueSize: number, queueTimeoutMs = 100) {
  const clock = new ManualClock();
  return { clock, backpressure: new Backpressure({ maxConcurrent, queueSize, queueTimeoutMs }, { clock }) };
}

/** Collects the outcome of an acquire as soon as it settles. */
function track(promise: Promise<PermitOutcome>): { outcome: PermitOutcome | undefined } {
  const box: { outcome: PermitOutcome | undefined } = { outcome: undefined };
  void promise.then((o) => (box.outcome = o));
  return box;
}

describe('Backpressure', () => {
  test('admits exactly maxConcurrent at once', () => {
    const { backpressure } = makeBackpressure(3, 10);
    expect([1, 2, 3, 4].map(() => backpressure.tryAcquire())).toEqual([true, true, true, false]);
    expect(backpressure.stats()).toMatchObject({ inFlight: 3, peakInFlight: 3 });
  });

  test('a released permit goes to the oldest waiter (FIFO) without the count exceeding the limit', async () => {
    const { backpressure } = makeBackpressure(1, 10);
    expect(backpressure.tryAcquire()).toBe(true);
    const first = track(backpressure.acquire());
    const second = track(backpressure.acquire());
    await flushMicrotasks();
    expect(backpressure.stats()).toMatchObject({ inFlight: 1, queued: 2 });
    backpressure.release();
    await flushMicrotasks();
    expect(first.outcome).toBe('acquired');
    expect(second.outcome).toBeUndefined();
    expect(backpressure.stats()).toMatchObject({ inFlight: 1, queued: 1, peakInFlight: 1 });
  });

  test('a full queue rejects at once', async () => {
    const { backpressure } = makeBackpressure(1, 2);
    backpressure.tryAcquire();
    void backpressure.acquire();
    void backpressure.acquire();
    expect(await backpressure.acquire()).toBe('queue-full');
    expect(backpressure.stats()).toMatchObject({ queued: 2, rejectedQueueFull: 1 });
  });

  test('queueSize 0 means no waiting at all', async () => {
    const { backpressure } = makeBackpressure(1, 0);
    backpressure.tryAcquire();
    expect(await backpressure.acquire()).toBe('queue-full');
  });

  test('a waiter gives up after queueTimeoutMs and leaves the queue', async () => {
    const { backpressure, clock } = makeBackpressure(1, 10, 100);
    backpressure.tryAcquire();
    const waiter = track(backpressure.acquire());
    await clock.advance(99);
    expect(waiter.outcome).toBeUndefined();
    await clock.advance(1);
    expect(waiter.outcome).toBe('queue-timeout');
    expect(backpressure.stats()).toMatchObject({ queued: 0, rejectedQueueTimeout: 1 });
    // The permit returned later is not handed to the waiter that already left.
    backpressure.release();
    expect(backpressure.stats().inFlight).toBe(0);
  });

  test('a timed-out waiter in the middle of the queue does not disturb the others', async () => {
    const { backpressure, clock } = makeBackpressure(1, 10, 100);
    backpressure.tryAcquire();
    const a = track(backpressure.acquire());
    await clock.advance(50);
    const controller = new AbortController();
    const b = track(backpressure.acquire(controller.signal));
    const c = track(backpressure.acquire());
    controller.abort();
    await flushMicrotasks();
    expect(b.outcome).toBe('aborted');
    backpressure.release();
    await flushMicrotasks();
    expect(a.outcome).toBe('acquired');
    backpressure.release();
    await flushMicrotasks();
    expect(c.outcome).toBe('acquired');
    expect(backpressure.stats()).toMatchObject({ inFlight: 1, queued: 0, aborted: 1 });
  });

  test('an already-aborted signal is refused without queueing', async () => {
    const { backpressure } = makeBackpressure(1, 10);
    backpressure.tryAcquire();
    expect(await backpressure.acquire(AbortSignal.abort())).toBe('aborted');
    expect(backpressure.stats().queued).toBe(0);
  });

  test('close turns away queued and later requests', async () => {
    const { backpressure } = makeBackpressure(1, 10);
    backpressure.tryAcquire();
    const waiter = track(backpressure.acquire());
    backpressure.close();
    await flushMicrotasks();
    expect(waiter.outcome).toBe('closed');
    expect(await backpressure.acquire()).toBe('closed');
    expect(backpressure.tryAcquire()).toBe(false);
  });

  test('memory stays bounded: 100 000 requests against 2 slots and a queue of 8', async () => {
    const { backpressure, clock } = makeBackpressure(2, 8, 10);
    backpressure.tryAcquire();
    backpressure.tryAcquire();
    const requests = Array.from({ length: 100_000 }, () => backpressure.acquire());
    const turnedAway = await Promise.all(requests.slice(8));
    expect(turnedAway.every((o) => o === 'queue-full')).toBe(true);
    expect(backpressure.stats()).toMatchObject({ queued: 8, rejectedQueueFull: 100_000 - 8 });
    await clock.advance(10);
    expect(await Promise.all(requests.slice(0, 8))).toEqual(Array(8).fill('queue-timeout'));
    expect(backpressure.stats().queued).toBe(0);
  });

  test('healthy turns false above 80 % queue use', async () => {
    const { backpressure } = makeBackpressure(1, 5);
    backpressure.tryAcquire();
    for (let i = 0; i < 4; i++) void backpressure.acquire();
    expect(backpressure.stats().healthy).toBe(true);
    void backpressure.acquire();
    expect(backpressure.stats().healthy).toBe(false);
  });
});
