/**
 * Events and stats of `ResilientBackend`, the data the observability layer turns into logs
 * and metrics.
 */
import type { AdaptiveTimeoutStats } from './adaptive-timeout';
import type { BackpressureStats } from './backpressure';
import type { CircuitBreakerStats, CircuitStateChange } from './circuit-breaker';
import type { ErrorCategory } from './classify-error';
import type { FailureReason, OperationName } from './operation-result';

/** The last error or timeout a backend gave (see `ResilientBackendStats.lastFailure`). */
export interface LastBackendFailure {
  /** Clock time (epoch ms with the system clock). */
  readonly at: number;
  readonly category: ErrorCategory;
  /** One log-safe line: no values, no credentials. */
  readonly message: string;
}

/** Payload of the `failure` event: a guarded operation produced no answer. */
export interface OperationFailure {
  readonly backendType: string;
  readonly namespace: string;
  readonly operation: OperationName;
  readonly reason: FailureReason;
  /** Category of the backend error (reason `error`) or `timeout`. */
  readonly category?: ErrorCategory;
  /** Whether the circuit breaker counted it. */
  readonly countedByBreaker: boolean;
  readonly error?: unknown;
}

/** Payload of the `operation` event (emitted only while someone listens): one finished call. */
export interface OperationCompleted {
  readonly backendType: string;
  readonly namespace: string;
  readonly operation: OperationName;
  readonly ok: boolean;
  /** Time from admission to answer, ms (queue wait excluded). */
  readonly durationMs: number;
}

/** Payload of the `integrity` event: stored bytes failed verification and were treated as a miss. */
export interface IntegrityEvent {
  readonly backendType: string;
  readonly namespace: string;
  readonly error: unknown;
}

/**
 * Payload of the `reachability` event: the backend stopped answering (an authentication
 * failure at once, other errors and timeouts after a few in a row) or answered again.
 */
export interface ReachabilityChange {
  readonly backendType: string;
  readonly namespace: string;
  readonly reachable: boolean;
  /** Category of the failure that made it unreachable. */
  readonly category?: ErrorCategory;
  /** One line about that failure (no values, no credentials). */
  readonly reason?: string;
}

/** Payload of the `saturation` event: backpressure began turning calls away, or stopped. */
export interface SaturationChange {
  readonly backendType: string;
  readonly namespace: string;
  readonly saturated: boolean;
  readonly inFlight: number;
  readonly queued: number;
}

/** Events emitted by `ResilientBackend`. */
export interface ResilientBackendEvents {
  stateChange: CircuitStateChange;
  failure: OperationFailure;
  operation: OperationCompleted;
  integrity: IntegrityEvent;
  reachability: ReachabilityChange;
  saturation: SaturationChange;
}

/** Snapshot returned by `ResilientBackend.stats()`. */
export interface ResilientBackendStats {
  readonly backendType: string;
  readonly namespace: string;
  /** Operations that reached the backend and answered. */
  readonly succeeded: number;
  /** Operations without an answer, by reason. */
  readonly failures: Readonly<Record<FailureReason, number>>;
  /** Backend errors by category (reason `error` and `timeout`). */
  readonly errorsByCategory: Readonly<Record<ErrorCategory, number>>;
  /** Writes (`set`, `setMany`) that did not reach the backend. */
  readonly droppedWrites: number;
  /** Corrupt or unverifiable entries reported through `recordIntegrityEvent`. */
  readonly integrityEvents: number;
  readonly breaker: CircuitBreakerStats | null;
  readonly backpressure: BackpressureStats | null;
  /** Adaptive timeout per operation seen so far. */
  readonly timeouts: Readonly<Partial<Record<OperationName, AdaptiveTimeoutStats>>>;
  /** False while the backend counts as unreachable (an authentication failure, or failures in a row). */
  readonly reachable: boolean;
  /** The last error or timeout of the backend, or null. */
  readonly lastFailure: LastBackendFailure | null;
}
