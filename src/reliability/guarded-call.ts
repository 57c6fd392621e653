/**
 * One backend operation in flight, raced against its deadline and the caller's signal.
 * Whichever comes first settles the caller's result; later events are ignored. The backend's
 * own promise always keeps a handler, so a late rejection is never unhandled.
 *
 * The caller's deadline and the backend's are two different times: the caller stops waiting
 * at `timeoutMs`, while the backend may go on until `giveUpMs` (an answer in between teaches
 * the adaptive timeout that the backend became slower rather than stuck). At `giveUpMs` the
 * operation is given up: its concurrency permit goes back, whatever the backend does later.
 * Backends hold no timers of their own; this is the only deadline there is.
 */
import type { AdaptiveTimeout } from './adaptive-timeout';
import type { BreakerTicket } from './circuit-breaker';
import type { DeadlineSlot, Expirable } from './deadline-wheel';
import type { OperationName, OperationResult } from './operation-result';

/** What one guarded operation is, fixed when it starts. */
export interface GuardedCallPlan {
  readonly operation: OperationName;
  /** Breaker admission. */
  readonly ticket: BreakerTicket;
  /** Clock time the backend was called. */
  readonly startedAt: number;
  /** The adaptive timeout that set the deadline and learns from the outcome, if any. */
  readonly adaptiveTimeout: AdaptiveTimeout | undefined;
  /** When the caller stops waiting, ms after `startedAt` (size allowance included). */
  readonly timeoutMs: number;
  /** Part of `timeoutMs` granted for the size of a write, ms. */
  readonly allowanceMs: number;
  /** When the backend is given up, ms after `startedAt` (≥ `timeoutMs`). */
  readonly giveUpMs: number;
  /** The slot that ends the caller's wait at `timeoutMs`. */
  readonly slot: DeadlineSlot;
  /** The caller's signal. */
  readonly signal: AbortSignal | undefined;
}

/** What the owner of guarded calls does with each ending. Each returns the caller's result. */
export interface GuardedCallHost {
  /** The backend settled (in time or not), or was given up: the concurrency permit can go back. */
  backendSettled(): void;
  succeeded<T>(call: GuardedCall<T>, value: T): OperationResult<T>;
  failed<T>(call: GuardedCall<T>, error: unknown): OperationResult<T>;
  timedOut<T>(call: GuardedCall<T>): OperationResult<T>;
  aborted<T>(call: GuardedCall<T>): OperationResult<T>;
  /** The backend answered after the call had timed out (the caller has moved on). */
  answeredLate<T>(call: GuardedCall<T>): void;
  /** The slot ending `giveUpMs` after `startedAt`, or undefined when that time has passed. */
  giveUpSlot(startedAt: number, giveUpMs: number): DeadlineSlot | undefined;
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
  /** The backend answered or failed. */
  private backendDone = false;
  /** Set while the call waits for the backend's give-up time. */
  private giveUpSlot: DeadlineSlot | undefined;
  /** The backend's time ran out before it answered: its permit is back, its answer ignored. */
  private abandoned = false;

  constructor(
    private readonly host: GuardedCallHost,
    readonly plan: GuardedCallPlan,
    pending: Promise<T>,
  ) {
    this.result = new Promise((resolve) => {
      this.resolveResult = resolve;
    });
    plan.slot.add(this);
    const signal = plan.signal;
    if (signal !== undefined) {
      this.onAbort = () => {
        if (!this.done) this.settle(this.host.aborted(this));
      };
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
    pending.then(
      (value) => {
        if (!this.backendFinished()) return;
        if (!this.done) this.settle(this.host.succeeded(this, value));
        else if (this.expired) this.host.answeredLate(this);
      },
      (error: unknown) => {
        if (!this.backendFinished()) return;
        if (!this.done) this.settle(this.host.failed(this, error));
      },
    );
  }

  /** Called by a deadline slot: the caller's deadline, or the backend's give-up time. */
  expire(): void {
    if (this.giveUpSlot !== undefined) {
      this.giveUpSlot = undefined;
      this.abandon();
      return;
    }
    if (this.done) return;
    this.expired = true;
    this.settle(this.host.timedOut(this));
  }

  /** Records that the backend settled; false when it had been given up already. */
  private backendFinished(): boolean {
    if (this.abandoned) return false;
    this.backendDone = true;
    if (this.giveUpSlot !== undefined) {
      this.giveUpSlot.remove(this);
      this.giveUpSlot = undefined;
    }
    this.host.backendSettled();
    return true;
  }

  private settle(result: OperationResult<T>): void {
    if (this.done) return;
    this.done = true;
    this.plan.slot.remove(this);
    if (this.onAbort !== undefined) this.plan.signal?.removeEventListener('abort', this.onAbort);
    this.resolveResult(result);
    if (!this.backendDone) this.awaitGiveUp();
  }

  /** The caller has its answer but the backend is still busy: bound the backend's part too. */
  private awaitGiveUp(): void {
    const slot = this.host.giveUpSlot(this.plan.startedAt, this.plan.giveUpMs);
    if (slot === undefined) {
      this.abandon();
      return;
    }
    this.giveUpSlot = slot;
    slot.add(this);
  }

  private abandon(): void {
    if (this.backendDone || this.abandoned) return;
    this.abandoned = true;
    this.host.backendSettled();
  }
}
