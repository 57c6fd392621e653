/**
 * Circuit breaker for one backend and namespace. Open means "bypass the cache", never "fail
 * the call": the caller computes its value while the backend is left alone to recover.
 *
 *   closed ──(failureThreshold failures within windowMs)──► open
 *   open ──(recoveryTimeoutMs elapsed, checked lazily on the next request)──► half-open
 *   half-open ──(successThreshold probe successes)──► closed
 *   half-open ──(any probe failure)──► open
 *
 * No timer drives the machine: the open → half-open step happens when a request or `state`
 * looks, so an idle breaker costs nothing and cannot keep a process alive.
 */
import type { BackendErrorKind } from '../errors';
import { classifyError, type ErrorCategory } from './classify-error';
import { systemClock, type Clock } from './clock';
import { TypedEmitter } from './listeners';
import type { CircuitBreakerOptions } from './options';

/** Breaker state. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * Admission for one request. Report its outcome with exactly one of `onSuccess`, `onFailure`
 * or `onIgnored`. Tickets remember the breaker generation they were issued in, so a slow
 * request admitted before a transition cannot move the machine after it.
 */
export interface BreakerTicket {
  /** True when the request is a half-open probe. */
  readonly probe: boolean;
  /** Generation (incremented on every transition) the ticket belongs to. */
  readonly generation: number;
}

/** Payload of the `stateChange` event. */
export interface CircuitStateChange {
  readonly name: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
  /** Clock time of the transition. */
  readonly at: number;
}

/** Events emitted by `CircuitBreaker`. */
export interface CircuitBreakerEvents {
  stateChange: CircuitStateChange;
}

/** Snapshot returned by `CircuitBreaker.stats()`. */
export interface CircuitBreakerStats {
  readonly name: string;
  readonly state: CircuitState;
  /** Failures counted in the current window (closed state). */
  readonly failuresInWindow: number;
  /** Probes in flight (half-open state). */
  readonly probesInFlight: number;
  /** Successful probes in this half-open cycle. */
  readonly probeSuccesses: number;
  /** Requests turned away because the breaker was open or all probe slots were taken. */
  readonly rejected: number;
  /** Times the breaker opened since it was created. */
  readonly opened: number;
  /** Changes of state since it was created, by the state entered. */
  readonly transitions: Readonly<Record<CircuitState, number>>;
  /** Clock time of the last transition to open, or null. */
  readonly openedAt: number | null;
  /** Clock time of the last counted failure, or null. */
  readonly lastFailureAt: number | null;
}

/** Dependencies of `CircuitBreaker`, injectable for tests. */
export interface CircuitBreakerDeps {
  clock?: Clock;
  /** Label used in events and stats (backend type and namespace). */
  name?: string;
}

/** The circuit breaker state machine; see the module comment. */
export class CircuitBreaker extends TypedEmitter<CircuitBreakerEvents> {
  private readonly options: Readonly<CircuitBreakerOptions>;
  private readonly clock: Clock;
  private readonly name: string;
  private readonly excluded: ReadonlySet<BackendErrorKind>;
  private current: CircuitState = 'closed';
  private generation = 0;
  private closedTicket: BreakerTicket = Object.freeze({ probe: false, generation: 0 });
  /** Timestamps of the last `failureThreshold` failures, a ring buffer. */
  private readonly failureTimes: Float64Array;
  private failureCursor = 0;
  private failureCount = 0;
  private openedAtTime: number | null = null;
  private lastFailureTime: number | null = null;
  private probesInFlight = 0;
  private probeSuccesses = 0;
  private rejectedCount = 0;
  private openedCount = 0;
  private readonly transitionsTo: Record<CircuitState, number> = { closed: 0, open: 0, 'half-open': 0 };

  constructor(options: Readonly<CircuitBreakerOptions>, deps: CircuitBreakerDeps = {}) {
    super();
    this.options = options;
    this.clock = deps.clock ?? systemClock;
    this.name = deps.name ?? 'cache';
    this.excluded = new Set(options.excludedKinds);
    this.failureTimes = new Float64Array(options.failureThreshold);
  }

  /** Current state (moves open → half-open first when the recovery time has passed). */
  get state(): CircuitState {
    this.refresh(this.clock.now());
    return this.current;
  }

  /**
   * Asks to send one request. Returns a ticket, or `null` when the request must bypass the
   * backend (open, or half-open with every probe slot taken).
   */
  acquire(): BreakerTicket | null {
    if (this.current === 'closed') return this.closedTicket;
    this.refresh(this.clock.now());
    if (this.current === 'half-open' && this.probesInFlight < this.options.halfOpenRequests) {
      this.probesInFlight++;
      return { probe: true, generation: this.generation };
    }
    this.rejectedCount++;
    return null;
  }

  /** Whether `error` counts as a backend failure under the configured exclusions. */
  isFailure(error: unknown, category: ErrorCategory = classifyError(error)): boolean {
    if (category === 'timeout') return true;
    if (category === 'integrity') return false;
    if (this.options.isFailure !== undefined) return this.options.isFailure(error, category);
    return !this.excluded.has(category);
  }

  /** The request succeeded. */
  onSuccess(ticket: BreakerTicket): void {
    if (ticket.generation !== this.generation || !ticket.probe) return;
    this.probesInFlight--;
    this.probeSuccesses++;
    if (this.probeSuccesses >= this.options.successThreshold) this.transition('closed', this.clock.now());
  }

  /** The request failed with a counted backend failure (see `isFailure`). */
  onFailure(ticket: BreakerTicket): void {
    if (ticket.generation !== this.generation) return;
    const now = this.clock.now();
    this.lastFailureTime = now;
    if (ticket.probe) {
      this.probesInFlight--;
      this.transition('open', now);
      return;
    }
    const threshold = this.options.failureThreshold;
    this.failureTimes[this.failureCursor] = now;
    this.failureCursor = (this.failureCursor + 1) % threshold;
    if (this.failureCount < threshold) this.failureCount++;
    // With the ring full, the slot we will overwrite next holds the oldest of the last
    // `threshold` failures: if it is inside the window, the window holds `threshold` failures.
    if (this.failureCount === threshold && now - (this.failureTimes[this.failureCursor] ?? 0) <= this.options.windowMs) {
      this.transition('open', now);
    }
  }

  /** The request ended without saying anything about backend health (excluded error, abort). */
  onIgnored(ticket: BreakerTicket): void {
    if (ticket.generation !== this.generation || !ticket.probe) return;
    this.probesInFlight--;
  }

  /** Reports `error` for `ticket`: a failure if it counts, ignored otherwise. Returns whether it counted. */
  onError(ticket: BreakerTicket, error: unknown, category: ErrorCategory = classifyError(error)): boolean {
    if (this.isFailure(error, category)) {
      this.onFailure(ticket);
      return true;
    }
    this.onIgnored(ticket);
    return false;
  }

  /** Forces the breaker closed and forgets all failures. */
  reset(): void {
    this.transition('closed', this.clock.now());
  }

  /** Current counters and state. */
  stats(): CircuitBreakerStats {
    const now = this.clock.now();
    this.refresh(now);
    return {
      name: this.name,
      state: this.current,
      failuresInWindow: this.current === 'closed' ? this.countFailuresInWindow(now) : 0,
      probesInFlight: this.probesInFlight,
      probeSuccesses: this.probeSuccesses,
      rejected: this.rejectedCount,
      opened: this.openedCount,
      transitions: { ...this.transitionsTo },
      openedAt: this.openedAtTime,
      lastFailureAt: this.lastFailureTime,
    };
  }

  private countFailuresInWindow(now: number): number {
    let count = 0;
    for (let i = 0; i < this.failureCount; i++) {
      if (now - (this.failureTimes[i] ?? 0) <= this.options.windowMs) count++;
    }
    return count;
  }

  private refresh(now: number): void {
    if (this.current === 'open' && this.openedAtTime !== null && now - this.openedAtTime >= this.options.recoveryTimeoutMs) {
      this.transition('half-open', now);
    }
  }

  private transition(to: CircuitState, now: number): void {
    const from = this.current;
    this.generation++;
    this.current = to;
    this.probesInFlight = 0;
    this.probeSuccesses = 0;
    if (to === 'closed') {
      this.failureCount = 0;
      this.failureCursor = 0;
      this.closedTicket = Object.freeze({ probe: false, generation: this.generation });
    } else if (to === 'open') {
      this.openedAtTime = now;
      this.openedCount++;
    }
    if (from === to) return;
    this.transitionsTo[to]++;
    this.emit('stateChange', { name: this.name, from, to, at: now });
  }
}
