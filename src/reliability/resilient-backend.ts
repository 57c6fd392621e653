/**
 * The facade the cache wrapper talks to instead of a raw backend. It puts the circuit breaker,
 * the adaptive timeout and backpressure in front of every operation, and never throws: each
 * method answers with the value or with why there is none, so a cache outage becomes a miss or
 * a skipped write, never a failed call.
 */
import { BackendError } from '../errors';
import { errorSummary } from '../observability/error-summary';
import { CALLER_BOUNDED_CALL, ownDeadlineOf } from '../backends/deadline';
import type { BackendCallOptions, BackendEntry, BackendHealth, CacheBackend } from '../backends/types';
import { Backpressure, type PermitOutcome } from './backpressure';
import { CircuitBreaker, type BreakerTicket } from './circuit-breaker';
import { classifyError, type ErrorCategory } from './classify-error';
import { boundedHealthCheck } from './bounded-health-check';
import { systemClock, type Clock } from './clock';
import { DeadlineWheel, type DeadlineSlot } from './deadline-wheel';
import { GuardedCall, type GuardedCallHost } from './guarded-call';
import { FailureCounters } from './failure-counters';
import { TypedEmitter } from './listeners';
import type { FailureReason, OperationName, OperationResult } from './operation-result';
import { OperationTimeouts } from './operation-timeouts';
import type { ReliabilityOptions, ResolvedReliabilityOptions } from './options';
import type { ResilientBackendEvents, ResilientBackendStats } from './resilient-backend-events';
import { resolveReliabilityOptions } from './validate-options';
import { batchWriteAllowanceMs, writeAllowanceMs } from './write-allowance';

/** Dependencies and labels of a `ResilientBackend`. */
export interface ResilientBackendDeps {
  /** Time source (tests pass a manual clock). */
  clock?: Clock;
  /** Namespace label for stats, events and the breaker name. Default `default`. */
  namespace?: string;
  /** Close the wrapped backend in `close()`. Default false: whoever created it closes it. */
  ownsBackend?: boolean;
  /** Share a breaker between facades (e.g. one per backend instead of per namespace). */
  breaker?: CircuitBreaker;
  /** Share a concurrency limit between facades over the same backend. */
  backpressure?: Backpressure;
}

/** Used in place of a ticket when the breaker is disabled. */
const NO_TICKET: BreakerTicket = Object.freeze({ probe: false, generation: -1 });

/** Options passed to a backend call without deadline or signal. */
const NO_OPTIONS: BackendCallOptions = Object.freeze({});

/** Failures in a row (other than a rejected authentication) after which a backend counts as unreachable. */
const UNREACHABLE_AFTER_FAILURES = 3;

/** Bound of `healthCheck()` and of the `close()` drain when timeouts are disabled, ms. */
const HEALTH_CHECK_FALLBACK_TIMEOUT_MS = 5_000;

function overloadReason(outcome: PermitOutcome): FailureReason {
  if (outcome === 'aborted') return 'aborted';
  if (outcome === 'closed') return 'closed';
  return 'overload';
}

/** A `CacheBackend` behind breaker, adaptive timeouts and backpressure; never throws. */
export class ResilientBackend extends TypedEmitter<ResilientBackendEvents> implements GuardedCallHost {
  /** The wrapped backend. */
  readonly backend: CacheBackend;
  /** `backend.backendType`. */
  readonly backendType: string;
  /** Namespace label. */
  readonly namespace: string;
  /** The options in force. */
  readonly options: ResolvedReliabilityOptions;
  /** True when the backend implements `acquireLock`, `renewLock` and `releaseLock`. */
  readonly supportsLocks: boolean;
  /** True when the backend implements `getTtl` and `refreshTtl`. */
  readonly supportsTtl: boolean;

  private readonly clock: Clock;
  private readonly ownsBackend: boolean;
  private readonly breaker: CircuitBreaker | null;
  private readonly backpressure: Backpressure | null;
  private readonly ownsBackpressure: boolean;
  private readonly timeouts: OperationTimeouts;
  private readonly deadlines: DeadlineWheel;
  /**
   * Whether adaptive-timeout operations take over the backend's own deadline (it offers that,
   * and our longest deadline, `maxMs`, comes no later than its own): the backend then skips its
   * per-call timer bookkeeping, and each call gives the backend up itself at that deadline.
   */
  private readonly delegatesDeadline: boolean;
  private readonly unsubscribeBreaker: (() => void) | undefined;
  private closed = false;
  /** Backend calls started and not yet settled (abandoned ones included). */
  private unsettledCalls = 0;
  private onDrained: (() => void) | undefined;
  private readonly counters = new FailureCounters();
  /** Backend failures in a row (errors about the backend, timeouts) since it last answered. */
  private failuresInARow = 0;
  /** Set once the backend counts as unreachable (see `ReachabilityChange`), until it answers. */
  private unreachable = false;
  /** Set once backpressure turned a call away, until the queue is empty again. */
  private saturated = false;

  /**
   * @param backend the backend to guard
   * @param options reliability options (validated here; a `ConfigurationError` names the bad one)
   */
  constructor(backend: CacheBackend, options: ReliabilityOptions | ResolvedReliabilityOptions = {}, deps: ResilientBackendDeps = {}) {
    super();
    this.backend = backend;
    this.backendType = backend.backendType;
    this.namespace = deps.namespace ?? 'default';
    this.options = resolveReliabilityOptions(options, 'reliability');
    this.clock = deps.clock ?? systemClock;
    this.timeouts = new OperationTimeouts(this.options.timeouts);
    this.deadlines = new DeadlineWheel(this.clock, () => new BackendError(`${this.backendType} operation timed out`, 'timeout'));
    const backendBudgetMs = ownDeadlineOf(backend);
    this.delegatesDeadline = backendBudgetMs !== undefined && this.options.timeouts !== false && this.options.timeouts.maxMs <= backendBudgetMs;
    this.ownsBackend = deps.ownsBackend ?? false;
    this.supportsLocks =
      typeof backend.acquireLock === 'function' && typeof backend.renewLock === 'function' && typeof backend.releaseLock === 'function';
    this.supportsTtl = typeof backend.getTtl === 'function' && typeof backend.refreshTtl === 'function';

    const breakerOptions = this.options.circuitBreaker;
    this.breaker =
      deps.breaker ??
      (breakerOptions === false ? null : new CircuitBreaker(breakerOptions, { clock: this.clock, name: `${this.backendType}:${this.namespace}` }));
    this.unsubscribeBreaker = this.breaker?.on('stateChange', (change) => this.emit('stateChange', change));

    const backpressureOptions = this.options.backpressure;
    this.ownsBackpressure = deps.backpressure === undefined;
    this.backpressure = deps.backpressure ?? (backpressureOptions === false ? null : new Backpressure(backpressureOptions, { clock: this.clock }));
  }

  /** Reads `key`: the bytes (or null when absent), or why the cache could not answer. */
  get(key: string, signal?: AbortSignal): Promise<OperationResult<Buffer | null>> {
    return this.execute('get', (o) => this.backend.get(key, o), signal);
  }

  /** Writes `key`. True when stored; false when the write was dropped (counted, never thrown). */
  set(key: string, value: Buffer, ttlSeconds?: number, signal?: AbortSignal): Promise<boolean> {
    return this.execute('set', (o) => this.backend.set(key, value, ttlSeconds, o), signal, writeAllowanceMs(value.length)).then(this.writeOutcome);
  }

  private readonly writeOutcome = (result: OperationResult<unknown>): boolean => {
    if (!result.ok) this.counters.droppedWrites++;
    return result.ok;
  };

  /** Reads several keys (in order); needs the backend's `getMany`. */
  getMany(keys: readonly string[], signal?: AbortSignal): Promise<OperationResult<Array<Buffer | null>>> {
    const getMany = this.backend.getMany?.bind(this.backend);
    if (getMany === undefined) return this.unsupported('getMany');
    return this.execute('getMany', (o) => getMany(keys, o), signal);
  }

  /** Writes several entries; needs the backend's `setMany`. False when dropped. */
  async setMany(entries: readonly BackendEntry[], signal?: AbortSignal): Promise<boolean> {
    const setMany = this.backend.setMany?.bind(this.backend);
    const result = setMany === undefined ? await this.unsupported('setMany') : await this.execute('setMany', (o) => setMany(entries, o), signal, batchWriteAllowanceMs(entries));
    if (!result.ok) this.counters.droppedWrites++;
    return result.ok;
  }

  /** Removes `key`; the value tells whether something was removed. */
  delete(key: string, signal?: AbortSignal): Promise<OperationResult<boolean>> {
    return this.execute('delete', (o) => this.backend.delete(key, o), signal);
  }

  /** Whether `key` holds a live entry. */
  exists(key: string, signal?: AbortSignal): Promise<OperationResult<boolean>> {
    return this.execute('exists', (o) => this.backend.exists(key, o), signal);
  }

  /** Removes every key under `prefix` (fixed `timeouts.clearPrefixMs` timeout); needs `clearPrefix`. */
  clearPrefix(prefix: string, signal?: AbortSignal): Promise<OperationResult<number>> {
    const clearPrefix = this.backend.clearPrefix?.bind(this.backend);
    if (clearPrefix === undefined) return this.unsupported('clearPrefix');
    return this.execute('clearPrefix', (o) => clearPrefix(prefix, o), signal);
  }

  /** Remaining TTL in seconds (null: missing or no expiry); needs `getTtl`. */
  getTtl(key: string, signal?: AbortSignal): Promise<OperationResult<number | null>> {
    const getTtl = this.backend.getTtl?.bind(this.backend);
    if (getTtl === undefined) return this.unsupported('getTtl');
    return this.execute('getTtl', (o) => getTtl(key, o), signal);
  }

  /** Resets the TTL of an existing key; needs `refreshTtl`. */
  refreshTtl(key: string, ttlSeconds: number, signal?: AbortSignal): Promise<OperationResult<boolean>> {
    const refreshTtl = this.backend.refreshTtl?.bind(this.backend);
    if (refreshTtl === undefined) return this.unsupported('refreshTtl');
    return this.execute('refreshTtl', (o) => refreshTtl(key, ttlSeconds, o), signal);
  }

  /** Tries once to take the lock for `key`; the value tells whether it was acquired. */
  acquireLock(key: string, token: string, leaseMs: number, signal?: AbortSignal): Promise<OperationResult<boolean>> {
    const acquireLock = this.backend.acquireLock?.bind(this.backend);
    if (acquireLock === undefined) return this.unsupported('acquireLock');
    return this.execute('acquireLock', (o) => acquireLock(key, token, leaseMs, o), signal);
  }

  /** Extends a lock still owned by `token`; the value is false when it was lost. */
  renewLock(key: string, token: string, leaseMs: number, signal?: AbortSignal): Promise<OperationResult<boolean>> {
    const renewLock = this.backend.renewLock?.bind(this.backend);
    if (renewLock === undefined) return this.unsupported('renewLock');
    return this.execute('renewLock', (o) => renewLock(key, token, leaseMs, o), signal);
  }

  /** Releases the lock if `token` still owns it. */
  releaseLock(key: string, token: string, signal?: AbortSignal): Promise<OperationResult<boolean>> {
    const releaseLock = this.backend.releaseLock?.bind(this.backend);
    if (releaseLock === undefined) return this.unsupported('releaseLock');
    return this.execute('releaseLock', (o) => releaseLock(key, token, o), signal);
  }

  /**
   * The backend's own health check, bounded by a timeout, bypassing breaker and backpressure
   * (health must describe the backend, not our opinion of it). Never throws.
   */
  healthCheck(): Promise<BackendHealth> {
    return boundedHealthCheck(this.backend, this.clock, this.timeouts.ceilingMs ?? HEALTH_CHECK_FALLBACK_TIMEOUT_MS, () => this.breaker?.state ?? 'disabled');
  }

  /**
   * Counts an entry that failed verification after it was read (checksum, tag, format). It is
   * a miss for the caller and not a backend failure, so the breaker does not see it.
   */
  recordIntegrityEvent(error: unknown): void {
    this.counters.integrityEvents++;
    this.counters.errorsByCategory.integrity++;
    if (this.has('integrity')) this.emit('integrity', { backendType: this.backendType, namespace: this.namespace, error });
  }

  /** Whether the breaker currently bypasses the backend (always false when disabled). */
  get bypassing(): boolean {
    return this.breaker !== null && this.breaker.state === 'open';
  }

  /** Counters, breaker, backpressure and timeouts. */
  stats(): ResilientBackendStats {
    return {
      backendType: this.backendType,
      namespace: this.namespace,
      ...this.counters.snapshot(),
      breaker: this.breaker?.stats() ?? null,
      backpressure: this.backpressure?.stats() ?? null,
      timeouts: this.timeouts.stats(),
    };
  }

  /**
   * Stops accepting operations (they answer `closed`) and turns queued ones away; waits for
   * calls already sent (a background lock release, a write) to settle, at most
   * `timeouts.maxMs`; then closes the backend when this facade owns it. Idempotent; never throws.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribeBreaker?.();
    if (this.ownsBackpressure) this.backpressure?.close();
    await this.drain();
    if (this.ownsBackend && this.backend.close !== undefined) {
      try {
        await this.backend.close();
      } catch (error) {
        this.countFailure('close', 'error', error, classifyError(error), false);
      }
    }
  }

  /** Supports `await using` (explicit resource management). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Resolves when no backend call is unsettled, or after the longest operation timeout. */
  private drain(): Promise<void> {
    if (this.unsettledCalls === 0) return Promise.resolve();
    const limitMs = this.timeouts.ceilingMs ?? HEALTH_CHECK_FALLBACK_TIMEOUT_MS;
    return new Promise((resolve) => {
      // Kept alive: the caller awaits close(), and this wait is bounded.
      const timer = this.clock.setTimeout(
        () => {
          this.onDrained = undefined;
          resolve();
        },
        limitMs,
        { keepAlive: true },
      );
      this.onDrained = () => {
        this.clock.clearTimeout(timer);
        this.onDrained = undefined;
        resolve();
      };
    });
  }

  // ---- the guarded call ----

  private unsupported<T>(operation: OperationName): Promise<OperationResult<T>> {
    return Promise.resolve(this.refuse(operation, 'unsupported'));
  }

  /** Admission: closed → abort → breaker → backpressure, then the timed call. */
  private execute<T>(
    operation: OperationName,
    invoke: (options: BackendCallOptions) => Promise<T>,
    signal: AbortSignal | undefined,
    allowanceMs = 0,
  ): Promise<OperationResult<T>> {
    if (this.closed) return Promise.resolve(this.refuse(operation, 'closed'));
    if (signal?.aborted === true) return Promise.resolve(this.refuse(operation, 'aborted'));
    const ticket = this.breaker === null ? NO_TICKET : this.breaker.acquire();
    if (ticket === null) return Promise.resolve(this.refuse(operation, 'breaker-open'));
    const backpressure = this.backpressure;
    if (backpressure === null || backpressure.tryAcquire()) return this.call(operation, invoke, signal, ticket, allowanceMs);
    return backpressure.acquire(signal).then((outcome) => {
      if (outcome === 'acquired') return this.call(operation, invoke, signal, ticket, allowanceMs);
      this.breaker?.onIgnored(ticket);
      if (!this.saturated && outcome !== 'aborted' && outcome !== 'closed') this.saturationChanged(true);
      return this.refuse<T>(operation, overloadReason(outcome));
    });
  }

  /**
   * Calls the backend and races the call against its deadline and the caller's signal. The
   * permit is held until the backend itself settles — even after we stopped waiting — so a
   * stalled backend cannot accumulate more than `maxConcurrent` abandoned operations.
   */
  private call<T>(
    operation: OperationName,
    invoke: (options: BackendCallOptions) => Promise<T>,
    signal: AbortSignal | undefined,
    ticket: BreakerTicket,
    allowanceMs: number,
  ): Promise<OperationResult<T>> {
    const startedAt = this.clock.now();
    const adaptive = this.timeouts.adaptiveFor(operation);
    const baseMs = adaptive !== undefined ? adaptive.current() : this.timeouts.fixedMs(operation);
    const timeoutMs = baseMs === undefined ? undefined : baseMs + allowanceMs;
    const slot = timeoutMs === undefined ? undefined : this.deadlines.slotFor(startedAt, timeoutMs);
    // The caller stops waiting at `timeoutMs`, but the backend is told to give up only at the
    // ceiling: an answer between the two is how the adaptive timeout learns that the backend
    // became slower rather than stuck. Without a deadline the backend gets the caller's signal.
    const giveUpMs = adaptive === undefined || timeoutMs === undefined ? timeoutMs : Math.max(timeoutMs, adaptive.ceilingMs + allowanceMs);
    // A delegated deadline: the backend runs unbounded and the call gives it up at `giveUpMs`
    // (no later than the backend's own deadline would have: see `delegatesDeadline`).
    const delegated = adaptive !== undefined && timeoutMs !== undefined && this.delegatesDeadline;
    let options: BackendCallOptions;
    if (delegated) {
      options = CALLER_BOUNDED_CALL;
    } else {
      const backendSlot = giveUpMs === timeoutMs || giveUpMs === undefined ? slot : this.deadlines.slotFor(startedAt, giveUpMs);
      options = backendSlot ?? (signal === undefined ? NO_OPTIONS : { signal });
    }
    let pending: Promise<T>;
    this.unsettledCalls++;
    try {
      pending = invoke(options);
    } catch (error) {
      pending = Promise.reject(error);
    }
    return new GuardedCall(this, operation, ticket, startedAt, adaptive, timeoutMs, allowanceMs, slot, signal, pending, delegated ? giveUpMs : undefined)
      .result;
  }

  /** @internal */
  giveUpSlot(startedAt: number, giveUpMs: number): DeadlineSlot | undefined {
    const now = this.clock.now();
    const deadline = startedAt + giveUpMs;
    return deadline <= now ? undefined : this.deadlines.slotForDeadline(deadline, now);
  }

  // ---- GuardedCallHost: how each ending is counted ----

  /** @internal */
  backendSettled(): void {
    this.backpressure?.release();
    if (--this.unsettledCalls === 0) this.onDrained?.();
  }

  /** @internal */
  succeeded<T>(call: GuardedCall<T>, value: T): OperationResult<T> {
    const elapsed = this.clock.now() - call.startedAt;
    call.adaptiveTimeout?.record(elapsed);
    this.breaker?.onSuccess(call.ticket);
    this.counters.succeeded++;
    if (this.failuresInARow !== 0 || this.saturated) this.answered();
    if (this.has('operation')) this.emitOperation(call.operation, true, elapsed);
    return { ok: true, value, latencyMs: elapsed };
  }

  /** @internal */
  failed<T>(call: GuardedCall<T>, error: unknown): OperationResult<T> {
    const category = classifyError(error);
    const counted = this.breaker === null ? false : this.breaker.onError(call.ticket, error, category);
    // A permanent error is about one request (WRONGTYPE, OOM on a write): the backend answered.
    if (category !== 'permanent') this.failedInARow(category, error);
    if (this.has('operation')) this.emitOperation(call.operation, false, this.clock.now() - call.startedAt);
    return this.countFailure(call.operation, category === 'timeout' ? 'timeout' : 'error', error, category, counted);
  }

  /** @internal */
  timedOut<T>(call: GuardedCall<T>): OperationResult<T> {
    const timeoutMs = call.timeoutMs ?? 0;
    call.adaptiveTimeout?.recordTimeout();
    this.breaker?.onFailure(call.ticket);
    if (this.has('operation')) this.emitOperation(call.operation, false, this.clock.now() - call.startedAt);
    const error = new BackendError(`${this.backendType} ${call.operation} timed out after ${Math.round(timeoutMs)} ms`, 'timeout', {
      operation: call.operation,
    });
    this.failedInARow('timeout', error);
    return this.countFailure(call.operation, 'timeout', error, 'timeout', this.breaker !== null);
  }

  /** @internal */
  answeredLate<T>(call: GuardedCall<T>): void {
    // The size allowance belongs to this call only; the window learns the base latency.
    call.adaptiveTimeout?.recordLate(Math.max(0, this.clock.now() - call.startedAt - call.allowanceMs));
  }

  /** @internal */
  aborted<T>(call: GuardedCall<T>): OperationResult<T> {
    // The caller lost interest; that says nothing about the backend's health.
    this.breaker?.onIgnored(call.ticket);
    return this.refuse(call.operation, 'aborted');
  }

  /** The backend answered after failures or saturation: either state may end here. */
  private answered(): void {
    this.failuresInARow = 0;
    if (this.unreachable) {
      this.unreachable = false;
      this.emit('reachability', { backendType: this.backendType, namespace: this.namespace, reachable: true });
    }
    if (this.saturated && (this.backpressure?.waiting ?? 0) === 0) this.saturationChanged(false);
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
    this.emit('reachability', {
      backendType: this.backendType,
      namespace: this.namespace,
      reachable: false,
      category,
      reason: errorSummary(error),
    });
  }

  private saturationChanged(saturated: boolean): void {
    this.saturated = saturated;
    this.emit('saturation', {
      backendType: this.backendType,
      namespace: this.namespace,
      saturated,
      inFlight: this.backpressure?.stats().inFlight ?? 0,
      queued: this.backpressure?.waiting ?? 0,
    });
  }

  /** A refusal before the backend was called (closed, aborted, breaker open, overload, unsupported). */
  private refuse<T>(operation: OperationName, reason: FailureReason): OperationResult<T> {
    return this.countFailure(operation, reason, undefined, undefined, false);
  }

  private countFailure<T>(
    operation: OperationName,
    reason: FailureReason,
    error: unknown,
    category: ErrorCategory | undefined,
    countedByBreaker: boolean,
  ): OperationResult<T> {
    this.counters.failures[reason]++;
    if (category !== undefined) this.counters.errorsByCategory[category]++;
    if (this.has('failure')) {
      this.emit('failure', { backendType: this.backendType, namespace: this.namespace, operation, reason, category, countedByBreaker, error });
    }
    return error === undefined ? { ok: false, reason } : { ok: false, reason, error };
  }

  private emitOperation(operation: OperationName, ok: boolean, durationMs: number): void {
    this.emit('operation', { backendType: this.backendType, namespace: this.namespace, operation, ok, durationMs });
  }
}
