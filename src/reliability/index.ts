/**
 * The reliability layer: what a backend failure means and how the cache survives it.
 * Policy lives here; backends only move bytes.
 */
export { AdaptiveTimeout, type AdaptiveTimeoutStats } from './adaptive-timeout';
export { Backpressure, type BackpressureStats, type PermitOutcome } from './backpressure';
export {
  CircuitBreaker,
  type BreakerTicket,
  type CircuitBreakerDeps,
  type CircuitBreakerEvents,
  type CircuitBreakerStats,
  type CircuitState,
  type CircuitStateChange,
} from './circuit-breaker';
export { classifyError, type ErrorCategory } from './classify-error';
export { MAX_TIMER_DELAY_MS, clampTimerDelay, sleep, systemClock, type Clock, type TimerHandle } from './clock';
export {
  runWithLock,
  type ComputeContext,
  type LockedResult,
  type LockingBackend,
  type LockOutcome,
  type RunWithLockOptions,
} from './distributed-lock';
export { LatencyWindow } from './latency-window';
export { TypedEmitter, type Listener } from './listeners';
export type { FailureReason, OperationName, OperationResult } from './operation-result';
export {
  DEFAULT_BACKPRESSURE,
  DEFAULT_CIRCUIT_BREAKER,
  DEFAULT_LOCK,
  DEFAULT_TIMEOUTS,
  type AdaptiveTimeoutOptions,
  type BackpressureOptions,
  type CircuitBreakerOptions,
  type LockOptions,
  type ReliabilityOptions,
  type ResolvedReliabilityOptions,
} from './options';
export { ResilientBackend, type ResilientBackendDeps } from './resilient-backend';
export type {
  IntegrityEvent,
  OperationCompleted,
  OperationFailure,
  ResilientBackendEvents,
  ResilientBackendStats,
} from './resilient-backend-events';
export { SingleFlight, type SingleFlightStats } from './single-flight';
export { isResolvedReliabilityOptions, resolveReliabilityOptions, validateReliabilityOptions } from './validate-options';
