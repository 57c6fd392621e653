/**
 * The facade the cache wrapper talks to instead of a raw backend. It puts the circuit breaker,
 * the adaptive timeout and backpressure in front of every operation, and never throws: each
 * method answers with the value or with why there is none, so a cache outage becomes a miss or
 * a skipped write, never a failed call.
 *
 * About 390 lines: one guarded method per backend operation, each a line or two into the one
 * plan object (`guarded-call.ts`); breaker, timeouts, backpressure and outcome counting are
 * their own files.
 */
import { BackendError } from '../errors';
import type { BackendCallOptions, BackendEntry, BackendHealth, CacheBackend } from '../backends/types';
import { Backpressure, type PermitOutcome } from './backpressure';
import { CallOutcomes } from './call-outcomes';
import { CircuitBreaker, type BreakerTicket } from './circuit-breaker';
import { classifyError } from './classify-error';
import { boundedHealthCheck } from './bounded-health-check';
import { systemClock, type Clock } from './clock';
import { DeadlineWheel } from './deadline-wheel';
import { GuardedCall } from './guarded-call';
import { TypedEmitter } from './listeners';
import type { FailureReason, OperationName, OperationResult } from './operation-result';
import { OperationTimeouts } from './operation-timeouts';
import type { ReliabilityOptions, ResolvedReliabilityOptions } from './options';
import type { ResilientBackendEvents, ResilientBackendStats } from './resilient-backend-events';
import { resolveReliabilityOptions } from './validate-options';
import { batchWriteAllowanceMs, writeAllowanceMs } from './write-allowance';
import { isTraced, l2Channel, traced, type L2Message } from '../observability/tracing-channels';

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

function overloadReason(outcome: PermitOutcome): FailureReason {
  if (outcome === 'aborted') return 'aborted';
  if (outcome === 'closed') return 'closed';
  return 'overload';
}

/**
 * A `CacheBackend` behind breaker, deadlines and backpressure; never throws. It owns every
 * deadline: backends hold no timers, so a call here ends at its (adaptive or fixed) timeout
 * and the operation is given up at the longest deadline, whatever the backend does.
 */
export class ResilientBackend extends TypedEmitter<ResilientBackendEvents> {
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
  /** True when the backend has locks and `setAndReleaseLock`: a lock holder's write releases its lock. */
  readonly supportsSetAndRelease: boolean;
  /** True when the backend implements `getTtl` and `refreshTtl`. */
  readonly supportsTtl: boolean;

  private readonly clock: Clock;
  private readonly ownsBackend: boolean;
  private readonly breaker: CircuitBreaker | null;
  private readonly backpressure: Backpressure | null;
  private readonly ownsBackpressure: boolean;
  private readonly timeouts: OperationTimeouts;
  private readonly deadlines: DeadlineWheel;
  private readonly outcomes: CallOutcomes;
  /** The backend cancels work when a call's signal aborts: it is handed the give-up signal. */
  private readonly cancellable: boolean;
  private readonly unsubscribeBreaker: (() => void) | undefined;
  private closed = false;

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
    this.cancellable = backend.cancellable === true;
    this.ownsBackend = deps.ownsBackend ?? false;
    this.supportsLocks =
      typeof backend.acquireLock === 'function' && typeof backend.renewLock === 'function' && typeof backend.releaseLock === 'function';
    this.supportsSetAndRelease = this.supportsLocks && typeof backend.setAndReleaseLock === 'function';
    this.supportsTtl = typeof backend.getTtl === 'function' && typeof backend.refreshTtl === 'function';

    const breakerOptions = this.options.circuitBreaker;
    this.breaker =
      deps.breaker ??
      (breakerOptions === false ? null : new CircuitBreaker(breakerOptions, { clock: this.clock, name: `${this.backendType}:${this.namespace}` }));
    this.unsubscribeBreaker = this.breaker?.on('stateChange', (change) => this.emit('stateChange', change));

    const backpressureOptions = this.options.backpressure;
    this.ownsBackpressure = deps.backpressure === undefined;
    this.backpressure = deps.backpressure ?? (backpressureOptions === false ? null : new Backpressure(backpressureOptions, { clock: this.clock }));
    this.outcomes = new CallOutcomes({
      backendType: this.backendType,
      namespace: this.namespace,
      clock: this.clock,
      deadlines: this.deadlines,
      breaker: this.breaker,
      backpressure: this.backpressure,
      events: this,
    });
  }

  /** Reads `key`: the bytes (or null when absent), or why the cache could not answer. */
  get(key: string, signal?: AbortSignal): Promise<OperationResult<Buffer | null>> {
    return this.execute('get', (o) => this.backend.get(key, o), signal, 0, key);
  }

  /** Writes `key`. True when stored; false when the write was dropped (counted, never thrown). */
  set(key: string, value: Buffer, ttlSeconds?: number, signal?: AbortSignal): Promise<boolean> {
    return this.execute('set', (o) => this.backend.set(key, value, ttlSeconds, o), signal, writeAllowanceMs(value.length), key).then(this.writeOutcome);
  }

  /**
   * `set`, then the release of the lock `token` owns, in one step where the backend has
   * `setAndReleaseLock` (see `supportsSetAndRelease`). True when the value was stored.
   */
  setAndReleaseLock(key: string, value: Buffer, ttlSeconds: number | undefined, token: string, signal?: AbortSignal): Promise<boolean> {
    const setAndRelease = this.backend.setAndReleaseLock?.bind(this.backend);
    if (setAndRelease === undefined) return this.set(key, value, ttlSeconds, signal);
    return this.execute('set', (o) => setAndRelease(key, value, ttlSeconds, token, o), signal, writeAllowanceMs(value.length), key).then(this.writeOutcome);
  }

  private readonly writeOutcome = (result: OperationResult<unknown>): boolean => {
    if (!result.ok) this.outcomes.counters.droppedWrites++;
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
    if (!result.ok) this.outcomes.counters.droppedWrites++;
    return result.ok;
  }

  /** Removes `key`; the value tells whether something was removed. */
  delete(key: string, signal?: AbortSignal): Promise<OperationResult<boolean>> {
    return this.execute('delete', (o) => this.backend.delete(key, o), signal, 0, key);
  }

  /** Whether `key` holds a live entry. */
  exists(key: string, signal?: AbortSignal): Promise<OperationResult<boolean>> {
    return this.execute('exists', (o) => this.backend.exists(key, o), signal, 0, key);
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
    return this.execute('getTtl', (o) => getTtl(key, o), signal, 0, key);
  }

  /** Resets the TTL of an existing key; needs `refreshTtl`. */
  refreshTtl(key: string, ttlSeconds: number, signal?: AbortSignal): Promise<OperationResult<boolean>> {
    const refreshTtl = this.backend.refreshTtl?.bind(this.backend);
    if (refreshTtl === undefined) return this.unsupported('refreshTtl');
    return this.execute('refreshTtl', (o) => refreshTtl(key, ttlSeconds, o), signal, 0, key);
  }

  /** Runs `issue`, the commands it starts sent together where the backend can (`CacheBackend.together`). */
  together<T>(issue: () => T): T {
    return this.backend.together === undefined ? issue() : this.backend.together(issue);
  }

  /** Tries once to take the lock for `key`; the value tells whether it was acquired. */
  acquireLock(key: string, token: string, leaseMs: number, signal?: AbortSignal): Promise<OperationResult<boolean>> {
    const acquireLock = this.backend.acquireLock?.bind(this.backend);
    if (acquireLock === undefined) return this.unsupported('acquireLock');
    return this.execute('acquireLock', (o) => acquireLock(key, token, leaseMs, o), signal, 0, key);
  }

  /** Extends a lock still owned by `token`; the value is false when it was lost. */
  renewLock(key: string, token: string, leaseMs: number, signal?: AbortSignal): Promise<OperationResult<boolean>> {
    const renewLock = this.backend.renewLock?.bind(this.backend);
    if (renewLock === undefined) return this.unsupported('renewLock');
    return this.execute('renewLock', (o) => renewLock(key, token, leaseMs, o), signal, 0, key);
  }

  /** Releases the lock if `token` still owns it. */
  releaseLock(key: string, token: string, signal?: AbortSignal): Promise<OperationResult<boolean>> {
    const releaseLock = this.backend.releaseLock?.bind(this.backend);
    if (releaseLock === undefined) return this.unsupported('releaseLock');
    return this.execute('releaseLock', (o) => releaseLock(key, token, o), signal, 0, key);
  }

  /**
   * The backend's own health check, bounded by a timeout, bypassing breaker and backpressure
   * (health must describe the backend, not our opinion of it). Never throws.
   */
  healthCheck(): Promise<BackendHealth> {
    return boundedHealthCheck(this.backend, this.clock, this.timeouts.ceilingMs, () => this.breaker?.state ?? 'disabled');
  }

  /**
   * Counts an entry that failed verification after it was read (checksum, tag, format). It is
   * a miss for the caller and not a backend failure, so the breaker does not see it.
   */
  recordIntegrityEvent(error: unknown): void {
    this.outcomes.counters.integrityEvents++;
    this.outcomes.counters.errorsByCategory.integrity++;
    if (this.has('integrity')) this.emit('integrity', { backendType: this.backendType, namespace: this.namespace, error });
  }

  /** The concurrency limit in front of the backend (one per backend, shared by its facades), or null when off. */
  get concurrencyLimit(): Backpressure | null {
    return this.backpressure;
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
      ...this.outcomes.counters.snapshot(),
      breaker: this.breaker?.stats() ?? null,
      backpressure: this.backpressure?.stats() ?? null,
      timeouts: this.timeouts.stats(),
      reachable: this.outcomes.reachable,
      lastFailure: this.outcomes.lastFailure(),
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
        this.outcomes.countFailure('close', 'error', error, classifyError(error), false);
      }
    }
  }

  /** Supports `await using` (explicit resource management). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Resolves when no backend call is unsettled, or after the longest operation timeout. */
  private drain(): Promise<void> {
    const outcomes = this.outcomes;
    if (outcomes.unsettledCalls === 0) return Promise.resolve();
    const limitMs = this.timeouts.ceilingMs;
    return new Promise((resolve) => {
      // Kept alive: the caller awaits close(), and this wait is bounded.
      const timer = this.clock.setTimeout(
        () => {
          outcomes.onDrained = undefined;
          resolve();
        },
        limitMs,
        { keepAlive: true },
      );
      outcomes.onDrained = () => {
        this.clock.clearTimeout(timer);
        outcomes.onDrained = undefined;
        resolve();
      };
    });
  }

  // ---- the guarded call ----

  private unsupported<T>(operation: OperationName): Promise<OperationResult<T>> {
    return Promise.resolve(this.outcomes.refuse(operation, 'unsupported'));
  }

  /** One guarded operation; published on `cachekit:l2` while anyone subscribes. */
  private execute<T>(
    operation: OperationName,
    invoke: (options: BackendCallOptions) => Promise<T>,
    signal: AbortSignal | undefined,
    allowanceMs = 0,
    key?: string,
  ): Promise<OperationResult<T>> {
    if (!isTraced(l2Channel)) return this.admit(operation, invoke, signal, allowanceMs);
    const message: L2Message = { backend: this.backendType, namespace: this.namespace, operation, key, ok: undefined, reason: undefined };
    return traced(l2Channel, message, () =>
      this.admit(operation, invoke, signal, allowanceMs).then((result) => {
        message.ok = result.ok;
        if (!result.ok) message.reason = result.reason;
        return result;
      }),
    );
  }

  /** Admission: closed → abort → breaker → backpressure, then the timed call. */
  private admit<T>(
    operation: OperationName,
    invoke: (options: BackendCallOptions) => Promise<T>,
    signal: AbortSignal | undefined,
    allowanceMs: number,
  ): Promise<OperationResult<T>> {
    if (this.closed) return Promise.resolve(this.outcomes.refuse(operation, 'closed'));
    if (signal?.aborted === true) return Promise.resolve(this.outcomes.refuse(operation, 'aborted'));
    const ticket = this.breaker === null ? NO_TICKET : this.breaker.acquire();
    if (ticket === null) return Promise.resolve(this.outcomes.refuse(operation, 'breaker-open'));
    const backpressure = this.backpressure;
    if (backpressure === null || backpressure.tryAcquire()) return this.call(operation, invoke, signal, ticket, allowanceMs);
    return backpressure.acquire(signal).then((outcome) => {
      if (outcome === 'acquired') return this.call(operation, invoke, signal, ticket, allowanceMs);
      this.breaker?.onIgnored(ticket);
      return this.outcomes.refuse<T>(operation, overloadReason(outcome));
    });
  }

  /**
   * Calls the backend and races the call against its deadline and the caller's signal. The
   * permit is held until the backend itself settles, or until the operation is given up at its
   * longest deadline — so a stalled backend cannot accumulate more than `maxConcurrent`
   * operations, and a backend that never answers cannot keep a permit.
   */
  private call<T>(
    operation: OperationName,
    invoke: (options: BackendCallOptions) => Promise<T>,
    signal: AbortSignal | undefined,
    ticket: BreakerTicket,
    allowanceMs: number,
  ): Promise<OperationResult<T>> {
    const startedAt = this.clock.now();
    const adaptiveTimeout = this.timeouts.adaptiveFor(operation);
    const timeoutMs = (adaptiveTimeout !== undefined ? adaptiveTimeout.current() : this.timeouts.fixedMs(operation)) + allowanceMs;
    // The caller stops waiting at `timeoutMs`; the backend may answer until the ceiling, and an
    // answer in between is how the adaptive timeout learns that it became slower, not stuck.
    const giveUpMs = adaptiveTimeout === undefined ? timeoutMs : Math.max(timeoutMs, adaptiveTimeout.ceilingMs + allowanceMs);
    const slot = this.deadlines.slotFor(startedAt, timeoutMs);
    // A backend that can cancel work is told when the operation is given up (the slot's signal
    // is created only when read); the others cannot recall a command and get nothing to watch.
    const options = this.cancellable ? (giveUpMs === timeoutMs ? slot : this.deadlines.slotFor(startedAt, giveUpMs)) : NO_OPTIONS;
    let pending: Promise<T>;
    this.outcomes.unsettledCalls++;
    try {
      pending = invoke(options);
    } catch (error) {
      pending = Promise.reject(error);
    }
    const plan = { operation, ticket, startedAt, adaptiveTimeout, timeoutMs, allowanceMs, giveUpMs, slot, signal };
    return new GuardedCall(this.outcomes, plan, pending).result;
  }
}
