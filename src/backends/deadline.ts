/**
 * Every backend operation runs under a deadline and honours the caller's `AbortSignal`, so a
 * stalled server or disk can never hold a caller longer than the backend's own budget.
 * Neither Redis commands nor file system calls can be recalled once issued: on timeout or
 * abort the caller stops waiting and the late result is dropped.
 *
 * The bookkeeping is on the hot path of every call, so it avoids a timer and an event
 * listener per operation (together several microseconds in Node 20, more than a pipelined
 * Redis GET costs): operations with the backend's standard budget wait in a FIFO — their
 * deadlines arrive in start order — watched by one timer, and each signal gets one listener
 * shared by all operations using it.
 */
import { BackendError, type BackendErrorKind } from '../errors';
import type { BackendCallOptions } from './types';

/**
 * Bytes of value a write may move per extra millisecond of deadline (64 KiB/ms ≈ 62 MB/s), so
 * a large value on a healthy link or disk is not cut off by a budget sized for small ones.
 */
export const LARGE_VALUE_BYTES_PER_MS = 64 * 1024;

/** Extra budget for writing `bytes` (0 below 64 KiB, so small writes share the standard queue). */
export function writeAllowanceMs(bytes: number): number {
  return bytes < LARGE_VALUE_BYTES_PER_MS ? 0 : Math.ceil(bytes / LARGE_VALUE_BYTES_PER_MS);
}

/**
 * Deadline delegation, an internal capability between the reliability layer and a backend.
 * A backend that holds its own per-operation budget (ms) under `OWN_DEADLINE_MS` lets a
 * caller whose deadline comes no later than that budget take the deadline over: the caller
 * passes `CALLER_BOUNDED_CALL` as the options, and the backend skips its own timer and signal
 * bookkeeping for that call (microseconds per operation on the hot path). In return the
 * caller stops waiting at its deadline and, once the backend's budget is spent, stops
 * counting the operation against its limits even if the backend never answers. Without the
 * marker — any direct use of the backend — the backend bounds every call itself.
 *
 * Registered symbols, so the ESM and CJS builds of this package recognise each other.
 */
export const OWN_DEADLINE_MS: unique symbol = Symbol.for('cachekit.backend.ownDeadlineMs');
/** See `OWN_DEADLINE_MS`. */
export const CALLER_ENFORCES_DEADLINE: unique symbol = Symbol.for('cachekit.backend.callerEnforcesDeadline');

/** A backend offering deadline delegation. */
export interface DeadlineDelegating {
  /** The backend's own budget of one operation, ms (before any size allowance). */
  readonly [OWN_DEADLINE_MS]: number;
}

/** Call options marking a call whose deadline the caller enforces (see `OWN_DEADLINE_MS`). */
export interface CallerBoundedOptions extends BackendCallOptions {
  readonly [CALLER_ENFORCES_DEADLINE]: true;
}

/** The options a delegating caller passes (shared, immutable, no signal). */
export const CALLER_BOUNDED_CALL: CallerBoundedOptions = Object.freeze({ [CALLER_ENFORCES_DEADLINE]: true as const });

/** The backend's own budget if it offers deadline delegation, else undefined. */
export function ownDeadlineOf(backend: object): number | undefined {
  const budget = (backend as Partial<DeadlineDelegating>)[OWN_DEADLINE_MS];
  return typeof budget === 'number' && budget > 0 && Number.isFinite(budget) ? budget : undefined;
}

/** Whether `options` mark a call whose deadline the caller enforces. */
export function callerEnforcesDeadline(options: object | undefined): boolean {
  return options !== undefined && (options as Partial<CallerBoundedOptions>)[CALLER_ENFORCES_DEADLINE] === true;
}

/** Maps a raw error to its kind. */
export type ErrorClassifier = (err: unknown) => BackendErrorKind;

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return reason === undefined ? 'aborted' : String(reason);
}

/** The error a call rejects with when its signal fired before it finished. */
export function abortedError(ctx: { backend: string; operation: string; key?: string }, signal: AbortSignal): BackendError {
  return new BackendError(`${ctx.backend} ${ctx.operation} aborted: ${describeReason(signal.reason)}`, 'timeout', {
    operation: ctx.operation,
    key: ctx.key,
    cause: signal.reason,
  });
}

/** One operation waiting for its outcome, its deadline or its signal. */
class PendingOperation {
  done = false;
  timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly owner: OperationDeadlines,
    readonly operation: string,
    readonly key: string | undefined,
    readonly deadline: number,
    readonly timeoutMs: number,
    readonly signal: AbortSignal | undefined,
    private readonly resolve: (value: unknown) => void,
    private readonly reject: (err: unknown) => void,
  ) {}

  succeed(value: unknown): void {
    if (this.finish()) this.resolve(value);
  }

  fail(err: unknown): void {
    if (this.finish()) this.reject(err);
  }

  timeOut(): void {
    this.fail(
      new BackendError(`${this.owner.backend} ${this.operation} timed out after ${this.timeoutMs} ms`, 'timeout', {
        operation: this.operation,
        key: this.key,
      }),
    );
  }

  private finish(): boolean {
    if (this.done) return false;
    this.done = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.signal !== undefined) this.owner.forgetSignal(this.signal, this);
    return true;
  }
}

/** Deadlines and signals for the operations of one backend instance. */
export class OperationDeadlines {
  /** Operations in start order; finished ones at the front are cleared (see `dropSettledHead`). */
  private readonly queue: Array<PendingOperation | undefined> = [];
  private head = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly bySignal = new WeakMap<AbortSignal, Set<PendingOperation>>();

  /**
   * @param backend backend type name used in error messages
   * @param timeoutMs standard budget of one operation; 0 or Infinity disables the timer
   * @param classify maps raw failures to a kind
   */
  constructor(
    readonly backend: string,
    readonly timeoutMs: number,
    private readonly classify: ErrorClassifier,
  ) {}

  /**
   * Runs `start()` and settles with its outcome, unless the budget (`timeoutMs + extraMs`)
   * passes first or `signal` aborts: both reject with a `timeout` BackendError. Raw failures
   * become classified BackendErrors.
   */
  run<T>(
    operation: string,
    key: string | undefined,
    signal: AbortSignal | undefined,
    extraMs: number,
    start: () => Promise<T>,
  ): Promise<T>;
  /** As above, but settles with `undefined` whatever `start()` resolves to (writes). */
  run(
    operation: string,
    key: string | undefined,
    signal: AbortSignal | undefined,
    extraMs: number,
    start: () => Promise<unknown>,
    discardResult: true,
  ): Promise<void>;
  run<T>(
    operation: string,
    key: string | undefined,
    signal: AbortSignal | undefined,
    extraMs: number,
    start: () => Promise<T>,
    discardResult = false,
  ): Promise<T | void> {
    if (signal?.aborted) return Promise.reject(abortedError({ backend: this.backend, operation, key }, signal));
    return new Promise<T | void>((resolve, reject) => {
      const budget = this.timeoutMs + extraMs;
      const timed = budget > 0 && Number.isFinite(budget);
      const pending = new PendingOperation(
        this,
        operation,
        key,
        timed ? performance.now() + budget : Number.POSITIVE_INFINITY,
        budget,
        signal,
        resolve as (value: unknown) => void,
        reject,
      );
      if (timed) {
        // Standard budgets expire in start order and share the FIFO's one timer; a larger
        // budget would hold up the queue behind it, so it gets a timer of its own.
        if (extraMs === 0) this.enqueue(pending);
        else pending.timer = setTimeout(() => setImmediate(() => pending.timeOut()), budget);
      }
      if (signal !== undefined) this.watchSignal(signal, pending);
      let work: Promise<T>;
      try {
        work = start();
      } catch (err) {
        work = Promise.reject(err);
      }
      // The handlers stay attached after a timeout, so a late rejection is never unhandled.
      work.then(
        (value) => {
          // Discarding here rather than with a .then() saves a promise per write.
          pending.succeed(discardResult ? undefined : value);
          this.dropSettledHead();
        },
        (err: unknown) => {
          pending.fail(this.wrap(err, operation, key));
          this.dropSettledHead();
        },
      );
    });
  }

  /** Wraps a raw error as a classified `BackendError` (a `BackendError` passes through). */
  wrap(err: unknown, operation: string, key: string | undefined): BackendError {
    if (err instanceof BackendError) return err;
    const message = err instanceof Error ? err.message : String(err);
    return new BackendError(`${this.backend} ${operation} failed: ${message}`, this.classify(err), {
      operation,
      key,
      cause: err,
    });
  }

  private enqueue(pending: PendingOperation): void {
    this.queue.push(pending);
    if (this.timer === undefined) this.arm(this.timeoutMs);
  }

  private arm(delayMs: number): void {
    // Node runs due timers before it reads sockets: a reply that arrived while the event loop
    // was busy would be counted as a timeout. Expiring from setImmediate lets pending I/O (and
    // the promise callbacks it settles) run first.
    this.timer = setTimeout(() => setImmediate(() => this.expire()), Math.max(1, Math.ceil(delayMs)));
    // The operation itself (a socket, a file request) keeps the process alive while it runs;
    // the watchdog alone must not.
    this.timer.unref();
  }

  /** Times out every queued operation whose deadline has passed, then re-arms for the next. */
  private expire(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.head < this.queue.length) {
      const pending = this.queue[this.head]!;
      if (!pending.done && pending.deadline > now) break;
      this.queue[this.head] = undefined;
      this.head += 1;
      if (!pending.done) pending.timeOut();
    }
    this.compact();
    const next = this.queue[this.head];
    if (next !== undefined) this.arm(next.deadline - now);
  }

  /**
   * Operations mostly finish in start order: drop finished ones from the front at once. The
   * slots are cleared, not just skipped: the queue lives in old space, and a finished operation
   * it still pointed to would keep its result alive through every scavenge until a full GC.
   */
  private dropSettledHead(): void {
    while (this.head < this.queue.length && this.queue[this.head]!.done) this.queue[this.head++] = undefined;
    this.compact();
  }

  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private watchSignal(signal: AbortSignal, pending: PendingOperation): void {
    let waiting = this.bySignal.get(signal);
    if (waiting === undefined) {
      const set = new Set<PendingOperation>();
      waiting = set;
      this.bySignal.set(signal, set);
      signal.addEventListener(
        'abort',
        () => {
          for (const op of [...set]) op.fail(abortedError({ backend: this.backend, operation: op.operation, key: op.key }, signal));
        },
        { once: true },
      );
    }
    waiting.add(pending);
  }

  /** Called by an operation that finished: its signal no longer needs to reach it. */
  forgetSignal(signal: AbortSignal, pending: PendingOperation): void {
    this.bySignal.get(signal)?.delete(pending);
  }
}
