/**
 * One backend operation in flight, raced against its deadline slot and the caller's signal.
 * Whichever comes first settles the result; later events are ignored. The backend's own
 * promise always keeps a handler, so a late rejection is never unhandled.
 *
 * When the backend delegated its deadline (see `backends/deadline.ts`), the call also ends the
 * backend's part: after the caller got its answer (a timeout or an abort), it keeps waiting
 * for the backend until `giveUpMs`, then releases the operation's permit as the backend's own
 * deadline would have, and ignores whatever the backend says afterwards.
 */
import type { AdaptiveTimeout } from './adaptive-timeout';
import type { BreakerTicket } from './circuit-breaker';
import type { DeadlineSlot, Expirable } from './deadline-wheel';
import type { OperationName, OperationResult } from './operation-result';

/** What the owner of a guarded call does with each ending. Each returns the caller's result. */
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
  /** Set while the call waits for the backend's give-up time (delegated deadlines only). */
  private giveUpSlot: DeadlineSlot | undefined;
  /** The backend's budget ran out before it answered: its permit is back, its answer ignored. */
  private abandoned = false;

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
    /** When the backend delegated its deadline: ms after `startedAt` at which it is given up. */
    private readonly giveUpMs: number | undefined,
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
    this.slot?.remove(this);
    if (this.onAbort !== undefined) this.signal?.removeEventListener('abort', this.onAbort);
    this.resolveResult(result);
    if (this.giveUpMs !== undefined && !this.backendDone) this.awaitGiveUp(this.giveUpMs);
  }

  /** The caller has its answer but the backend is still busy: bound the backend's part too. */
  private awaitGiveUp(giveUpMs: number): void {
    const slot = this.host.giveUpSlot(this.startedAt, giveUpMs);
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
