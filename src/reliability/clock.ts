/**
 * Time source and timer scheduling for the reliability layer. Every component takes a `Clock`
 * so tests can drive time by hand instead of sleeping on the wall clock.
 */

/** Opaque handle returned by `Clock.setTimeout`. */
export type TimerHandle = unknown;

/** A monotonic time source plus a one-shot timer. */
export interface Clock {
  /** Monotonic milliseconds (any origin); only differences are meaningful. */
  now(): number;
  /**
   * Runs `callback` once after `delayMs`. Timers must not keep the process alive (the system
   * clock `unref()`s them) unless `keepAlive` is set — reserved for a bounded wait the caller
   * explicitly awaits, such as `close()` draining, which would otherwise never resolve in a
   * process with nothing else to do. Any non-negative delay must be accepted.
   */
  setTimeout(callback: () => void, delayMs: number, options?: { keepAlive?: boolean }): TimerHandle;
  /** Cancels a timer; a no-op for a timer that already fired or was cancelled. */
  clearTimeout(handle: TimerHandle): void;
  /**
   * Runs `callback` once the I/O that is already waiting has been read (Node: `setImmediate`,
   * which runs after the poll phase). Optional: without it, callers run `callback` at once.
   */
  afterPendingIo?(callback: () => void): void;
}

/**
 * Largest delay `setTimeout` honours. Node fires longer delays after 1 ms with a warning
 * (the TimeoutOverflowWarning trap behind bentocache#61), so every delay is clamped to it.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** Clamps a delay into the range Node timers accept: [0, 2^31 - 1] ms; NaN becomes 0. */
export function clampTimerDelay(delayMs: number): number {
  if (!(delayMs > 0)) return 0;
  return delayMs > MAX_TIMER_DELAY_MS ? MAX_TIMER_DELAY_MS : delayMs;
}

/** The real clock: `performance.now()` and unref'ed Node timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout(callback, delayMs, options) {
    const timer = setTimeout(callback, clampTimerDelay(delayMs));
    // A cache must never be the reason a process stays up.
    if (options?.keepAlive !== true) timer.unref();
    return timer;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
  afterPendingIo(callback) {
    // Never unref'd: an unref'd immediate does not keep the loop from sleeping in its poll
    // phase, so on a quiet process the callback (a deadline ending) waited for some unrelated
    // wake-up — seconds with Redis frozen. A ref'd immediate holds the process for one turn only.
    setImmediate(callback);
  },
};

/**
 * Resolves after `delayMs` on `clock`, or early (with `false`) when `signal` aborts.
 * Resolves `true` when the full delay elapsed. Never rejects.
 */
export function sleep(clock: Clock, delayMs: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      resolve(false);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
