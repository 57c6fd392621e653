/**
 * Stampede protection across processes: on a miss, one process takes an L2 lock and computes;
 * the others wait for its value — woken when the value lands (the invalidation bus announces the
 * write), and polling the cache meanwhile as the fallback (jittered intervals that grow with the
 * wait; the wait is bounded). Whenever the lock cannot help — the backend has no locks, is down,
 * slow, or the wait ran out — the caller computes itself: a lock problem may cost a duplicate
 * computation, never a failed call.
 *
 * The holder's caller pays one round trip more than a plain miss (the lock), or none when the
 * lock was asked for together with the read (`early`: see `cache/lock-speculation.ts`): it gets
 * its value as soon as the function returned, while the write goes on and the lock is released
 * once the write landed — waiters must find the value when they are released.
 *
 * The cache engine's single-flight makes sure only one call per process and key contends for it.
 */
import { nodeCrypto } from '../lazy-builtins';
import { classifyError } from './classify-error';
import { sleep, systemClock, type Clock, type TimerHandle } from './clock';
import type { OperationResult } from './operation-result';
import { LOCK_POLL_FRACTION, LOCK_POLL_MAX_MS, LOCK_POLL_MIN_MS, LOCK_PROMPT_ANNOUNCE_MS } from './options';
import { isTraced, lockChannel, traced, type LockMessage } from '../observability/tracing-channels';

/** The lock operations `runWithLock` needs; `ResilientBackend` provides them. */
export interface LockingBackend {
  readonly supportsLocks: boolean;
  acquireLock(key: string, token: string, leaseMs: number, signal?: AbortSignal): Promise<OperationResult<boolean>>;
  renewLock(key: string, token: string, leaseMs: number, signal?: AbortSignal): Promise<OperationResult<boolean>>;
  releaseLock(key: string, token: string, signal?: AbortSignal): Promise<OperationResult<boolean>>;
}

/** Arguments of `runWithLock`. */
export interface RunWithLockOptions<T> {
  backend: LockingBackend;
  /** The cache key; the backend derives the lock key from it. */
  key: string;
  /** Lock lease, ms; renewed every third of it while `compute` runs. */
  leaseMs: number;
  /** Longest time to wait for another process's value before computing here, ms. */
  waitTimeoutMs: number;
  /** Reads the cache; `undefined` means miss (or unreadable). Must not throw. */
  recheck: () => Promise<T | undefined>;
  /**
   * Runs the function and starts writing its value to the cache. While the lock is held
   * (`context.lockHeld`) it hands the write to `context.releaseAfter`: the lock is released once
   * the write has landed, so waiters released then find the value (without it, the lock is
   * released when `compute` resolves). Its errors propagate unchanged.
   */
  compute: (context: ComputeContext) => Promise<T>;
  /**
   * Tells when the cache entry of `key` changes (another process wrote it): `listener` is called,
   * and the returned function stops listening. A waiter then looks at once instead of at its next
   * poll. Without it, waiters only poll.
   */
  watch?: (key: string, listener: () => void) => () => void;
  /** Stops waiting for the lock or the value (the caller then computes); never stops `compute`. */
  signal?: AbortSignal;
  /** Time source (tests pass a manual clock). */
  clock?: Clock;
  /** Random source in [0, 1) for the poll jitter. */
  random?: () => number;
  /** Who waits, for the `cachekit:lock` tracing channel (the wait is published only with it). */
  trace?: LockTraceLabel;
  /** The lock already asked for, beside the read that missed: its answer is the first attempt. */
  early?: EarlyLock;
}

/** A lock asked for before `runWithLock` (with the read, in the same round trip). */
export interface EarlyLock {
  /** The owner token the lock was asked for with. */
  readonly token: string;
  /** The backend's answer to that request. */
  readonly attempt: Promise<OperationResult<boolean>>;
}

/** A new owner token for a lock request. */
export function newLockToken(): string {
  return nodeCrypto().randomUUID();
}

/**
 * Whether a lock request may have left the lock taken: it was granted, or it timed out (a
 * timed-out SET NX may still be applied once the server wakes up, leaving a lock nobody knows it
 * holds; compare-and-delete with the request's token removes exactly that, and nothing else).
 */
export function mayHoldLock(result: OperationResult<boolean>): boolean {
  return result.ok ? result.value : result.reason === 'timeout';
}

/** The cached function and backend a lock wait belongs to. */
export interface LockTraceLabel {
  readonly cache: string;
  readonly namespace: string;
  readonly backend: string;
}

/** What `compute` is told about the lock. */
export interface ComputeContext {
  /** True when this call holds the lock. */
  readonly lockHeld: boolean;
  /** While the lock is held: the write of the value, once it has landed the lock is released. */
  releaseAfter(landed: Promise<unknown>): void;
  /** The lock's owner token: a write that releases the lock itself needs it. */
  readonly token: string;
  /**
   * While the lock is held: the write of the value, which releases the lock itself when it
   * stores the value (resolves true); when it does not, the lock is released as by `releaseAfter`.
   */
  releasedBy(write: Promise<boolean>): void;
  /**
   * Asked when the value is about to be written: true when the lock has been held long enough
   * (`LOCK_PROMPT_ANNOUNCE_MS`) that the write should be announced to waiters at once.
   */
  announceAtOnce(): boolean;
}

const NOT_HELD: ComputeContext = Object.freeze({
  lockHeld: false,
  token: '',
  releaseAfter: () => undefined,
  releasedBy: () => undefined,
  announceAtOnce: () => false,
});

/** How the lock went. */
export type LockOutcome =
  /** This call held the lock (and computed, or found the value on the double-check). */
  | 'acquired'
  /** Another process held it; this call got its value from the cache. */
  | 'waited'
  /** No lock was possible (no capability, breaker open, timeout, error): computed without one. */
  | 'unavailable'
  /** The value did not appear within `waitTimeoutMs`: computed without the lock. */
  | 'wait-timeout'
  /** The caller's signal stopped the wait: computed without the lock. */
  | 'aborted';

/** Result of `runWithLock`. */
export interface LockedResult<T> {
  readonly value: T;
  /** `cache` when another computation's value was read back; `computed` when `compute` ran here. */
  readonly source: 'computed' | 'cache';
  readonly lock: LockOutcome;
  /** True when the lease could not be renewed (another process may have computed too). */
  readonly leaseLost: boolean;
}

/** Keeps a held lock alive while the function runs; stops on `stop()` or when the lease is lost. */
class LeaseRenewal {
  private timer: TimerHandle = undefined;
  private stopped = false;
  lost = false;

  constructor(
    private readonly backend: LockingBackend,
    private readonly key: string,
    private readonly token: string,
    private readonly leaseMs: number,
    private readonly clock: Clock,
  ) {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
  }

  private schedule(): void {
    // The next renewal is armed only after the previous one answered, so they never pile up.
    this.timer = this.clock.setTimeout(() => void this.renew(), Math.max(1, Math.floor(this.leaseMs / 3)));
  }

  private async renew(): Promise<void> {
    if (this.stopped) return;
    const result = await this.backend.renewLock(this.key, this.token, this.leaseMs);
    if (this.stopped) return;
    if (result.ok && !result.value) {
      this.lost = true;
      return;
    }
    // A failed renewal (timeout, breaker, a dropped connection) may still leave the lease
    // alive: try again next period. A closed backend, or one that refuses this request for
    // good, will refuse every later renewal too: stop rather than retry for as long as the
    // function runs (the lease then lapses and another process may compute as well).
    if (result.ok || renewalMayRecover(result)) this.schedule();
  }
}

function renewalMayRecover(result: { reason: string; error?: unknown }): boolean {
  if (result.reason === 'closed') return false;
  if (result.reason !== 'error') return true;
  const category = classifyError(result.error);
  return category !== 'permanent' && category !== 'authentication';
}

async function safeRecheck<T>(recheck: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await recheck();
  } catch {
    // A read-back problem is a miss, like any other cache problem.
    return undefined;
  }
}

async function computeWithoutLock<T>(compute: (context: ComputeContext) => Promise<T>, lock: LockOutcome): Promise<LockedResult<T>> {
  return { value: await compute(NOT_HELD), source: 'computed', lock, leaseLost: false };
}

async function holdAndCompute<T>(options: RunWithLockOptions<T>, token: string, clock: Clock, tookOver: boolean): Promise<LockedResult<T>> {
  const { backend, key, leaseMs } = options;
  const renewal = new LeaseRenewal(backend, key, token, leaseMs, clock);
  let landed: Promise<unknown> | undefined;
  let releasedByWrite = false;
  const heldSince = clock.now();
  const held: ComputeContext = {
    lockHeld: true,
    token,
    releaseAfter: (write) => void (landed = write),
    releasedBy: (write) => {
      landed = write;
      releasedByWrite = true;
    },
    announceAtOnce: () => clock.now() - heldSince >= LOCK_PROMPT_ANNOUNCE_MS,
  };
  try {
    // Taking over after a wait: the previous holder may have published between our last look and
    // our lock. A lock taken at the first try follows our own miss a round trip ago (or went with
    // the read that missed): a value that landed in between would only cost a second run, never a
    // wrong value, so no extra read.
    if (tookOver) {
      const found = await safeRecheck(options.recheck);
      if (found !== undefined) return { value: found, source: 'cache', lock: 'acquired', leaseLost: false };
    }
    const value = await options.compute(held);
    return { value, source: 'computed', lock: 'acquired', leaseLost: renewal.lost };
  } finally {
    renewal.stop();
    // Released once the value is in the cache, and not awaited: the caller has its value; the
    // result never rejects.
    const release = (): void => void backend.releaseLock(key, token);
    if (landed === undefined) release();
    else if (releasedByWrite) landed.then((stored) => stored === true || release(), release);
    else landed.then(release, release);
  }
}

/**
 * Sleeps `ms` like `sleep`, but wakes early when `watch` reports a change of `key`. Resolves
 * false only when `signal` aborted.
 */
function sleepUntilChanged(clock: Clock, ms: number, signal: AbortSignal | undefined, key: string, watch: RunWithLockOptions<unknown>['watch']): Promise<boolean> {
  if (watch === undefined || signal?.aborted === true) return sleep(clock, ms, signal);
  const wake = new AbortController();
  const unwatch = watch(key, () => wake.abort());
  const onAbort = (): void => wake.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  return sleep(clock, ms, wake.signal).then((slept) => {
    unwatch();
    signal?.removeEventListener('abort', onAbort);
    return slept || signal?.aborted !== true;
  });
}

/** How the wait for the lock ended: this call holds it, another process's value arrived, or neither. */
type LockWait<T> =
  | { readonly outcome: 'acquired'; readonly tookOver: boolean }
  | { readonly outcome: 'waited'; readonly value: T }
  | { readonly outcome: 'unavailable' | 'wait-timeout' | 'aborted' };

/** Tries for the lock, polling the cache while another process holds it, until one of `LockWait`. */
async function waitForLock<T>(options: RunWithLockOptions<T>, token: string, clock: Clock): Promise<LockWait<T>> {
  const { backend, key, leaseMs, signal } = options;
  const random = options.random ?? Math.random;
  const waitStart = clock.now();
  const deadline = waitStart + options.waitTimeoutMs;
  let attempt = await (options.early?.attempt ?? backend.acquireLock(key, token, leaseMs, signal));
  for (let attempts = 1; ; attempts++) {
    if (attempt.ok && attempt.value) return { outcome: 'acquired', tookOver: attempts > 1 };
    // Local overload is congestion in this process, not a sign the backend is gone: keep
    // waiting. Anything else (breaker open, timeout, error) means the lock cannot help.
    if (!attempt.ok && attempt.reason !== 'overload') {
      if (mayHoldLock(attempt)) void backend.releaseLock(key, token);
      return { outcome: attempt.reason === 'aborted' ? 'aborted' : 'unavailable' };
    }
    const remaining = deadline - clock.now();
    if (remaining <= 0) return { outcome: 'wait-timeout' };
    // Polls thin out as the wait grows (a long computation is not polled every few ms), but
    // stay close enough that a waiter sees a short computation's value soon after it lands.
    const delay = Math.min(LOCK_POLL_MAX_MS, Math.max(LOCK_POLL_MIN_MS, (clock.now() - waitStart) * LOCK_POLL_FRACTION));
    const jittered = delay * (0.75 + 0.5 * random());
    if (!(await sleepUntilChanged(clock, Math.min(jittered, remaining), signal, key, options.watch))) return { outcome: 'aborted' };
    const found = await safeRecheck(options.recheck);
    if (found !== undefined) return { outcome: 'waited', value: found };
    // The holder may have released without publishing (its function threw) or died: try to
    // take over rather than wait for the deadline.
    attempt = await backend.acquireLock(key, token, leaseMs, signal);
  }
}

/** `waitForLock`, published on `cachekit:lock` with how it ended. */
function tracedWait<T>(options: RunWithLockOptions<T>, label: LockTraceLabel, token: string, clock: Clock): Promise<LockWait<T>> {
  const message: LockMessage = { cache: label.cache, namespace: label.namespace, backend: label.backend, outcome: undefined };
  return traced(lockChannel, message, () =>
    waitForLock(options, token, clock).then((wait) => {
      message.outcome = wait.outcome;
      return wait;
    }),
  );
}

/**
 * Computes a missing value under a distributed lock, or reads it once another process has.
 * Resolves with the value and where it came from; rejects only with `compute`'s own error.
 */
export async function runWithLock<T>(options: RunWithLockOptions<T>): Promise<LockedResult<T>> {
  if (!options.backend.supportsLocks) return computeWithoutLock(options.compute, 'unavailable');
  const clock = options.clock ?? systemClock;
  const token = options.early?.token ?? newLockToken();
  const label = options.trace;
  const wait = await (label !== undefined && isTraced(lockChannel) ? tracedWait(options, label, token, clock) : waitForLock(options, token, clock));
  if (wait.outcome === 'acquired') return holdAndCompute(options, token, clock, wait.tookOver);
  if (wait.outcome === 'waited') return { value: wait.value, source: 'cache', lock: 'waited', leaseLost: false };
  return computeWithoutLock(options.compute, wait.outcome);
}
