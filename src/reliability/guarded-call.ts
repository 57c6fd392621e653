/**
 * One backend operation in flight, raced against its deadline slot and the caller's signal.
 * Whichever comes first settles the result; later events are ignored. The backend's own
 * promise always keeps a handler, so a late rejection is never unhandled.
 */
import type { AdaptiveTimeout } from './adaptive-timeout';
import type { BreakerTicket } from './circuit-breaker';
import type { DeadlineSlot, Expirable } from './deadline-wheel';
import type { OperationName, OperationResult } from './operation-result';

/** What the owner of a guarded call does with each ending. Each returns the caller's result. */
export interface GuardedCallHost {
  /** The backend settled (in time or not): the concurrency permit can go back. */
  backendSettled(): void;
  succeeded<T>(call: GuardedCall<T>, value: T): OperationResult<T>;
  failed<T>(call: GuardedCall<T>, error: unknown): OperationResult<T>;
  timedOut<T>(call: GuardedCall<T>): OperationResult<T>;
  aborted<T>(call: GuardedCall<T>): OperationResult<T>;
  /** The backend answered after the call had timed out (the caller has moved on). */
  answeredLate<T>(call: GuardedCall<T>): void;
}

/** A backend operation raced against its deadline and the caller's signal. */
export class GuardedCall<T> implements Expirable {
  slotPosition = -1;
  /** The caller's answer; never rejects. */
  readonly result: Promise<OperationResult<T>>;
  private resolveResult!: (result: OperationResult<T>) => void;
  private done = false;
  private expired = false;
  private onAbort: (() => void) | undefined;

  constructor(
    private readonly host: GuardedCallHost,
    /** Operation label. */
    readonly operation: OperationName,
    /** Breaker admission. */
    readonly ticket: BreakerTicket,
    /** Clock time the backend was called. */
    readonly startedAt: number,
    /** The adaptive timeout that set the deadline and learns from the outcome, if any. */
    readonly adaptiveTimeout: AdaptiveTimeout | undefined,
    /** Timeout applied, ms (undefined when timeouts are off), size allowance included. */
    readonly timeoutMs: number | undefined,
    /** Part of `timeoutMs` granted for the size of a write, ms. */
    readonly allowanceMs: number,
    private readonly slot: DeadlineSlot | undefined,
    private readonly signal: AbortSignal | undefined,
    pending: Promise<T>,
  ) {
    this.result = new Promise((resolve) => {
      this.resolveResult = resolve;
    });
    slot?.add(this);
    if (signal !== undefined) {
      this.onAbort = () => {
        if (!this.done) this.settle(this.host.aborted(this));
      };
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
    pending.then(
      (value) => {
        this.host.backendSettled();
        if (!this.done) this.settle(this.host.succeeded(this, value));
        else if (this.expired) this.host.answeredLate(this);
      },
      (error: unknown) => {
        this.host.backendSettled();
        if (!this.done) this.settle(this.host.failed(this, error));
      },
    );
  }

  /** Called by the deadline slot when time is up. */
  expire(): void {
    if (this.done) return;
    this.expired = true;
    this.settle(this.host.timedOut(this));
  }

  private settle(result: OperationResult<T>): void {
    if (this.done) return;
    this.done = true;
    this.slot?.remove(this);
    if (this.onAbort !== undefined) this.signal?.removeEventListener('abort', this.onAbort);
    this.resolveResult(result);
  }
}
