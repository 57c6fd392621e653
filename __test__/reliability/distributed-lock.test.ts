import { describe, expect, test } from 'vitest';
import { BackendError } from '../../src/errors';
import { runWithLock, type LockedResult, type RunWithLockOptions } from '../../src/reliability/distributed-lock';
import { LOCK_PROMPT_ANNOUNCE_MS } from '../../src/reliability/options';
import { ResilientBackend } from '../../src/reliability/resilient-backend';
import { ManualClock, flushMicrotasks } from './support/manual-clock';
import { ScriptedBackend } from './support/scripted-backend';

function setup() {
  const clock = new ManualClock();
  const backend = new ScriptedBackend(clock);
  const resilient = new ResilientBackend(backend, { timeouts: { initialMs: 50, minMs: 50, maxMs: 50 } }, { clock });
  let computeRuns = 0;
  const lockHeld: boolean[] = [];
  const options = (overrides: Partial<RunWithLockOptions<string>> = {}): RunWithLockOptions<string> => ({
    backend: resilient,
    key: 'k',
    leaseMs: 3_000,
    waitTimeoutMs: 1_000,
    clock,
    random: () => 0.5,
    recheck: async () => {
      const result = await resilient.get('k');
      return result.ok && result.value !== null ? result.value.toString() : undefined;
    },
    compute: async (context) => {
      computeRuns++;
      lockHeld.push(context.lockHeld);
      await resilient.set('k', Buffer.from('computed'));
      return 'computed';
    },
    ...overrides,
  });
  return { clock, backend, resilient, options, runs: () => computeRuns, lockHeld };
}

function track<T>(promise: Promise<T>): { value: T | undefined; error: unknown } {
  const box: { value: T | undefined; error: unknown } = { value: undefined, error: undefined };
  promise.then(
    (v) => (box.value = v),
    (e: unknown) => (box.error = e),
  );
  return box;
}

describe('runWithLock', () => {
  test('the lock holder computes, publishes, and releases the lock', async () => {
    const { backend, options, runs, lockHeld } = setup();
    const result = await runWithLock(options());
    expect(result).toEqual({ value: 'computed', source: 'computed', lock: 'acquired', leaseLost: false });
    expect(runs()).toBe(1);
    expect(lockHeld).toEqual([true]);
    await flushMicrotasks();
    expect(backend.locks.size).toBe(0);
    expect(backend.store.get('k')?.toString()).toBe('computed');
  });

  test('the holder announces its write at once only after a run of LOCK_PROMPT_ANNOUNCE_MS or more; a shorter run is gathered with the fills', async () => {
    const { clock, options } = setup();
    const announceAtOnce: boolean[] = [];
    for (const runMs of [0, LOCK_PROMPT_ANNOUNCE_MS - 1, LOCK_PROMPT_ANNOUNCE_MS, 50]) {
      const compute: RunWithLockOptions<string>['compute'] = async (context) => {
        await clock.advance(runMs);
        announceAtOnce.push(context.announceAtOnce());
        return 'computed';
      };
      await runWithLock(options({ key: `k${runMs}`, compute }));
    }
    expect(announceAtOnce).toEqual([false, false, true, true]);
  });

  test('a write that releases the lock itself (releasedBy) is not followed by a release; one that did not store the value is', async () => {
    for (const stored of [true, false]) {
      const { backend, options } = setup();
      const compute: RunWithLockOptions<string>['compute'] = async (context) => {
        context.releasedBy(Promise.resolve(stored));
        return 'computed';
      };
      await runWithLock(options({ compute }));
      await flushMicrotasks();
      // The scripted backend's write released nothing: the lock is still there unless runWithLock released it.
      expect(backend.locks.size).toBe(stored ? 1 : 0);
    }
  });

  test('a lock taken at the first try computes without reading the cache again: one round trip more than a plain miss', async () => {
    const { backend, options, runs } = setup();
    expect(await runWithLock(options())).toMatchObject({ value: 'computed', source: 'computed', lock: 'acquired' });
    expect(runs()).toBe(1);
    expect(backend.calls.get ?? 0).toBe(0);
    expect(backend.calls.acquireLock).toBe(1);
  });

  test('a lock taken over after waiting double-checks the cache and skips the computation when the value is there', async () => {
    const { clock, backend, options, runs } = setup();
    backend.locks.set('k', 'other-process');
    let rechecks = 0;
    // The waiter's poll finds nothing; the value lands before its double-check after the takeover.
    const waiter = track(runWithLock(options({ recheck: async () => (++rechecks === 1 ? undefined : 'earlier') })));
    await clock.advance(1);
    backend.locks.delete('k'); // the holder died without publishing
    await clock.advance(200);
    expect(waiter.value).toMatchObject({ value: 'earlier', source: 'cache', lock: 'acquired' });
    expect(runs()).toBe(0);
  });

  test('the holder gets its value at once and releases the lock only once its write has landed', async () => {
    const { backend, options } = setup();
    let land!: () => void;
    const landed = new Promise<void>((resolve) => (land = resolve));
    const result = await runWithLock(options({ compute: async (context) => (context.releaseAfter(landed), 'computed') }));
    expect(result).toMatchObject({ value: 'computed', lock: 'acquired' });
    await flushMicrotasks();
    expect(backend.locks.size).toBe(1);
    land();
    await flushMicrotasks();
    expect(backend.locks.size).toBe(0);
  });

  test('a waiter told that the key changed looks at once instead of at its next poll', async () => {
    const { clock, backend, options, runs } = setup();
    backend.locks.set('k', 'other-process');
    const listeners = new Set<() => void>();
    const watch = (_key: string, listener: () => void) => (listeners.add(listener), () => listeners.delete(listener));
    const waiter = track(runWithLock(options({ watch })));
    await clock.advance(1);
    await clock.advance(50); // polls are ~25 ms apart by now: it is asleep, watching
    expect(listeners.size).toBe(1);
    backend.store.set('k', Buffer.from('theirs'));
    for (const listener of [...listeners]) listener();
    await flushMicrotasks();
    await clock.advance(0);
    expect(waiter.value).toMatchObject({ value: 'theirs', source: 'cache', lock: 'waited' });
    expect(runs()).toBe(0);
    expect(listeners.size).toBe(0);
  });

  test("the function's error propagates unchanged and the lock is still released", async () => {
    const { backend, options } = setup();
    const userError = new TypeError('user bug');
    await expect(runWithLock(options({ compute: () => Promise.reject(userError) }))).rejects.toBe(userError);
    await flushMicrotasks();
    expect(backend.locks.size).toBe(0);
  });

  test('a waiter polls until the holder publishes, then reads the value without computing', async () => {
    const { clock, backend, options, runs } = setup();
    backend.locks.set('k', 'other-process');
    const waiter = track(runWithLock(options()));
    await clock.advance(40);
    expect(waiter.value).toBeUndefined();
    backend.store.set('k', Buffer.from('theirs'));
    backend.locks.delete('k');
    await clock.advance(100);
    expect(waiter.value).toEqual({ value: 'theirs', source: 'cache', lock: 'waited', leaseLost: false });
    expect(runs()).toBe(0);
  });

  test('a waiter takes over when the holder released without publishing', async () => {
    const { clock, backend, options, runs } = setup();
    backend.locks.set('k', 'other-process');
    const waiter = track(runWithLock(options()));
    await clock.advance(10);
    backend.locks.delete('k');
    await clock.advance(100);
    expect(waiter.value).toMatchObject({ source: 'computed', lock: 'acquired' });
    expect(runs()).toBe(1);
  });

  test('a waiter computes itself after waitTimeoutMs', async () => {
    const { clock, backend, options, runs } = setup();
    backend.locks.set('k', 'stuck-process');
    const waiter = track(runWithLock(options({ waitTimeoutMs: 300 })));
    await clock.advance(299);
    expect(waiter.value).toBeUndefined();
    await clock.advance(200);
    expect(waiter.value).toMatchObject({ source: 'computed', lock: 'wait-timeout' });
    expect(runs()).toBe(1);
  });

  test('poll intervals grow with the time already waited, up to the maximum', async () => {
    const { clock, backend, options } = setup();
    backend.locks.set('k', 'other');
    void runWithLock(options({ waitTimeoutMs: 3_000 }));
    // 5 ms while the wait is young, then 20 % of the time waited: about 26 polls in the first
    // second, not 200; then one per 100 ms.
    await clock.advance(1_000);
    const firstSecond = backend.calls.acquireLock ?? 0;
    expect(firstSecond).toBeGreaterThan(15);
    expect(firstSecond).toBeLessThan(40);
    await clock.advance(1_000);
    expect((backend.calls.acquireLock ?? 0) - firstSecond).toBe(10);
  });

  test("a waiter sees a short computation's value within about a fifth of its wait", async () => {
    const { clock, backend, options } = setup();
    backend.locks.set('k', 'other-process');
    const waiter = track(runWithLock(options()));
    await clock.advance(50);
    backend.store.set('k', Buffer.from('theirs'));
    backend.locks.delete('k');
    await clock.advance(15);
    expect(waiter.value).toMatchObject({ value: 'theirs', lock: 'waited' });
  });

  test.each([
    ['an error', { kind: 'error' as const, error: new BackendError('down', 'transient') }],
    ['a hang (timeout)', { kind: 'hang' as const }],
  ])('when taking the lock meets %s, the caller computes without it (and is told so)', async (_name, behaviour) => {
    const { clock, backend, options, runs, lockHeld } = setup();
    backend.next(behaviour);
    const result = track(runWithLock(options()));
    await clock.advance(50);
    expect(result.value).toMatchObject({ source: 'computed', lock: 'unavailable' });
    expect(runs()).toBe(1);
    expect(lockHeld).toEqual([false]);
  });

  test('a lock acquired by a SET that timed out is removed once the server answers', async () => {
    const { clock, backend, options } = setup();
    // A frozen server: every command waits, and runs in order once it wakes up.
    backend.always({ kind: 'hang' });
    const result = track(runWithLock(options()));
    await clock.advance(50); // the SET NX times out
    await clock.advance(50); // the compute's write times out
    expect(result.value).toMatchObject({ source: 'computed', lock: 'unavailable' });
    expect(backend.calls.releaseLock).toBe(1);
    backend.always({ kind: 'ok' });
    backend.releaseHung();
    await flushMicrotasks();
    // The late SET NX took the lock, and the compare-and-delete queued behind it removed it.
    expect(backend.locks.size).toBe(0);
  });

  test('a backend without lock support means computing without a lock', async () => {
    const { options } = setup();
    const noLocks = { supportsLocks: false } as unknown as ResilientBackend;
    expect(await runWithLock(options({ backend: noLocks }))).toMatchObject({ source: 'computed', lock: 'unavailable' });
  });

  test("the caller's signal ends the wait and the caller computes", async () => {
    const { clock, backend, options, runs } = setup();
    backend.locks.set('k', 'other');
    const controller = new AbortController();
    const waiter = track(runWithLock(options({ signal: controller.signal })));
    await clock.advance(20);
    controller.abort();
    await flushMicrotasks();
    expect(waiter.value).toMatchObject({ source: 'computed', lock: 'aborted' });
    expect(runs()).toBe(1);
  });

  test('the lease is renewed every third of leaseMs while the function runs, and no longer after', async () => {
    const { clock, backend, options } = setup();
    let finish!: () => void;
    const slow = new Promise<void>((resolve) => (finish = resolve));
    const result = track(runWithLock(options({ leaseMs: 3_000, compute: async () => (await slow, 'slow') })));
    await clock.advance(3_500);
    expect(backend.calls.renewLock).toBe(3);
    finish();
    await flushMicrotasks();
    expect(result.value).toMatchObject({ value: 'slow', leaseLost: false });
    await clock.advance(10_000);
    expect(backend.calls.renewLock).toBe(3);
    expect(clock.pendingTimers).toBe(0);
  });

  test('a lost lease is reported and renewal stops', async () => {
    const { clock, backend, options } = setup();
    let finish!: () => void;
    const slow = new Promise<void>((resolve) => (finish = resolve));
    const result = track(runWithLock(options({ leaseMs: 300, compute: async () => (await slow, 'slow') })));
    await flushMicrotasks();
    backend.locks.set('k', 'someone-else');
    await clock.advance(1_000);
    expect(backend.calls.renewLock).toBe(1);
    finish();
    await flushMicrotasks();
    expect((result.value as LockedResult<string>).leaseLost).toBe(true);
    expect(backend.locks.get('k')).toBe('someone-else');
  });

  test.each([
    ['a transient error', new BackendError('connection reset', 'transient'), 3],
    ['a permanent error (e.g. a closed backend)', new BackendError('redis renewLock: the backend is closed', 'permanent'), 1],
    ['an authentication error', new BackendError('NOPERM', 'authentication'), 1],
  ])('a renewal that meets %s is retried only if it may recover', async (_name, error, renewals) => {
    const { clock, backend, options } = setup();
    const result = track(runWithLock(options({ leaseMs: 3_000, compute: () => new Promise<string>(() => {}) })));
    await flushMicrotasks();
    backend.always({ kind: 'error', error });
    await clock.advance(3_500);
    expect(backend.calls.renewLock).toBe(renewals);
    if (renewals === 1) expect(clock.pendingTimers).toBe(0);
    expect(result.value).toBeUndefined();
  });

  test('a recheck that throws is a miss, not a failure', async () => {
    const { options } = setup();
    const result = await runWithLock(options({ recheck: () => Promise.reject(new Error('decode failed')) }));
    expect(result).toMatchObject({ source: 'computed', lock: 'acquired' });
  });
});
