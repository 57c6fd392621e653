/**
 * How every ending of a guarded operation is counted: answers and failures (counters, the
 * breaker, the adaptive timeout), refusals before the backend was called, the backend's own
 * settling (its concurrency permit), and the two states operators are told about once per
 * change — the backend unreachable or answering again, backpressure saturated or not.
 */
import { BackendError } from '../errors';
import { errorSummary } from '../observability/error-summary';
import type { Backpressure } from './backpressure';
import type { CircuitBreaker } from './circuit-breaker';
import { classifyError, type ErrorCategory } from './classify-error';
import type { Clock } from './clock';
import type { DeadlineSlot, DeadlineWheel } from './deadline-wheel';
import { FailureCounters } from './failure-counters';
import type { GuardedCall, GuardedCallHost } from './guarded-call';
import type { TypedEmitter } from './listeners';
import type { FailureReason, OperationName, OperationResult } from './operation-result';
import type { LastBackendFailure, ResilientBackendEvents } from './resilient-backend-events';

/** Failures in a row (other than a rejected authentication) after which a backend counts as unreachable. */
const UNREACHABLE_AFTER_FAILURES = 3;

/** What the outcomes of one facade's calls are recorded against. */
export interface CallOutcomesParts {
  readonly backendType: string;
  readonly namespace: string;
  readonly clock: Clock;
  readonly deadlines: DeadlineWheel;
  readonly breaker: CircuitBreaker | null;
  readonly backpressure: Backpressure | null;
  /** Where the events go (the facade). */
  readonly events: TypedEmitter<ResilientBackendEvents>;
}

/** Records how each guarded call of one facade ended. */
export class CallOutcomes implements GuardedCallHost {
  readonly counters = new FailureCounters();
  /** Backend calls started and not yet settled (given-up ones included). */
  unsettledCalls = 0;
  /** Called once `unsettledCalls` drops to zero (set while someone drains). */
  onDrained: (() => void) | undefined;
  /** Backend failures in a row (errors about the backend, timeouts) since it last answered. */
  private failuresInARow = 0;
  /** Set once the backend counts as unreachable (see `ReachabilityChange`), until it answers. */
  private unreachable = false;
  /** Set once backpressure turned a call away, until the queue is empty again. */
  private saturated = false;
  /** The last backend error or timeout (summarised only when someone asks, see `lastFailure`). */
  private lastError: { at: number; category: ErrorCategory; error: unknown } | null = null;

  constructor(private readonly parts: CallOutcomesParts) {}

  backendSettled(): void {
    this.parts.backpressure?.release();
    if (--this.unsettledCalls === 0) this.onDrained?.();
  }

  succeeded<T>(call: GuardedCall<T>, value: T): OperationResult<T> {
    const { plan } = call;
    const elapsed = this.parts.clock.now() - plan.startedAt;
    plan.adaptiveTimeout?.record(elapsed);
    this.parts.breaker?.onSuccess(plan.ticket);
    this.counters.succeeded++;
    if (this.failuresInARow !== 0 || this.saturated) this.answered();
    if (this.parts.events.has('operation')) this.emitOperation(plan.operation, true, elapsed);
    return { ok: true, value, latencyMs: elapsed };
  }

  failed<T>(call: GuardedCall<T>, error: unknown): OperationResult<T> {
    const { plan } = call;
    const category = classifyError(error);
    this.lastError = { at: this.parts.clock.now(), category, error };
    const counted = this.parts.breaker === null ? false : this.parts.breaker.onError(plan.ticket, error, category);
    // A permanent error is about one request (WRONGTYPE, OOM on a write): the backend answered.
    if (category !== 'permanent') this.failedInARow(category, error);
    if (this.parts.events.has('operation')) this.emitOperation(plan.operation, false, this.parts.clock.now() - plan.startedAt);
    return this.countFailure(plan.operation, category === 'timeout' ? 'timeout' : 'error', error, category, counted);
  }

  timedOut<T>(call: GuardedCall<T>): OperationResult<T> {
    const { plan } = call;
    plan.adaptiveTimeout?.recordTimeout();
    this.parts.breaker?.onFailure(plan.ticket);
    if (this.parts.events.has('operation')) this.emitOperation(plan.operation, false, this.parts.clock.now() - plan.startedAt);
    const error = new BackendError(`${this.parts.backendType} ${plan.operation} timed out after ${Math.round(plan.timeoutMs)} ms`, 'timeout', {
      operation: plan.operation,
    });
    this.lastError = { at: this.parts.clock.now(), category: 'timeout', error };
    this.failedInARow('timeout', error);
    return this.countFailure(plan.operation, 'timeout', error, 'timeout', this.parts.breaker !== null);
  }

  answeredLate<T>(call: GuardedCall<T>): void {
    // The size allowance belongs to this call only; the window learns the base latency.
    const { plan } = call;
    plan.adaptiveTimeout?.recordLate(Math.max(0, this.parts.clock.now() - plan.startedAt - plan.allowanceMs));
  }

  aborted<T>(call: GuardedCall<T>): OperationResult<T> {
    // The caller lost interest; that says nothing about the backend's health.
    this.parts.breaker?.onIgnored(call.plan.ticket);
    return this.refuse(call.plan.operation, 'aborted');
  }

  giveUpSlot(startedAt: number, giveUpMs: number): DeadlineSlot | undefined {
    const now = this.parts.clock.now();
    const deadline = startedAt + giveUpMs;
    return deadline <= now ? undefined : this.parts.deadlines.slotForDeadline(deadline, now);
  }

  /** A refusal before the backend was called (closed, aborted, breaker open, overload, unsupported). */
  refuse<T>(operation: OperationName, reason: FailureReason): OperationResult<T> {
    if (reason === 'overload' && !this.saturated) this.saturationChanged(true);
    return this.countFailure(operation, reason, undefined, undefined, false);
  }

  /** Counts a failure and tells listeners; the caller's result. */
  countFailure<T>(
    operation: OperationName,
    reason: FailureReason,
    error: unknown,
    category: ErrorCategory | undefined,
    countedByBreaker: boolean,
  ): OperationResult<T> {
    this.counters.failures[reason]++;
    if (category !== undefined) this.counters.errorsByCategory[category]++;
    const events = this.parts.events;
    if (events.has('failure')) {
      events.emit('failure', { backendType: this.parts.backendType, namespace: this.parts.namespace, operation, reason, category, countedByBreaker, error });
    }
    return error === undefined ? { ok: false, reason } : { ok: false, reason, error };
  }

  /** False from the moment the backend counts as unreachable (see `ReachabilityChange`) until it answers. */
  get reachable(): boolean {
    return !this.unreachable;
  }

  /** The last error or timeout of the backend (clock time, category, one log-safe line), or null. */
  lastFailure(): LastBackendFailure | null {
    const last = this.lastError;
    return last === null ? null : { at: last.at, category: last.category, message: errorSummary(last.error) };
  }

  /** The backend answered after failures or saturation: either state may end here. */
  private answered(): void {
    this.failuresInARow = 0;
    if (this.unreachable) {
      this.unreachable = false;
      this.parts.events.emit('reachability', { backendType: this.parts.backendType, namespace: this.parts.namespace, reachable: true });
    }
    if (this.saturated && (this.parts.backpressure?.waiting ?? 0) === 0) this.saturationChanged(false);
  }

  /**
   * One more failure in a row. A rejected authentication will fail every call the same way, so
   * it makes the backend unreachable at once; other errors and timeouts after a few in a row
   * (one is noise on a busy machine).
   */
  private failedInARow(category: ErrorCategory, error: unknown): void {
    this.failuresInARow++;
    if (this.unreachable || (category !== 'authentication' && this.failuresInARow < UNREACHABLE_AFTER_FAILURES)) return;
    this.unreachable = true;
    this.parts.events.emit('reachability', {
      backendType: this.parts.backendType,
      namespace: this.parts.namespace,
      reachable: false,
      category,
      reason: errorSummary(error),
    });
  }

  private saturationChanged(saturated: boolean): void {
    this.saturated = saturated;
    const backpressure = this.parts.backpressure;
    this.parts.events.emit('saturation', {
      backendType: this.parts.backendType,
      namespace: this.parts.namespace,
      saturated,
      inFlight: backpressure?.stats().inFlight ?? 0,
      queued: backpressure?.waiting ?? 0,
    });
  }

  private emitOperation(operation: OperationName, ok: boolean, durationMs: number): void {
    this.parts.events.emit('operation', { backendType: this.parts.backendType, namespace: this.parts.namespace, operation, ok, durationMs });
  }
}
