/**
 * Results of guarded backend operations. The reliability layer never throws for a backend
 * problem; it returns one of these and the caller decides (a miss, a skipped write).
 */

/** Why a guarded operation produced no answer. */
export type FailureReason =
  /** The backend did not answer within the (adaptive) timeout. */
  | 'timeout'
  /** The circuit breaker is open (or all half-open probe slots are taken): backend bypassed. */
  | 'breaker-open'
  /** Too many operations in flight and the queue was full or the wait ran out. */
  | 'overload'
  /** The backend rejected with an error (see `error`). */
  | 'error'
  /** The caller's AbortSignal stopped the wait. */
  | 'aborted'
  /** The backend lacks this optional capability (locks, TTL, clearPrefix). */
  | 'unsupported'
  /** `close()` was called. */
  | 'closed';

/** A guarded operation's answer, or why there is none. */
export type OperationResult<T> =
  | {
      readonly ok: true;
      readonly value: T;
      /** How long the backend took to answer, ms (the guard's clock; 0 where nothing was timed). */
      readonly latencyMs: number;
    }
  | { readonly ok: false; readonly reason: FailureReason; readonly error?: unknown };

/** Guarded backend operations, used as labels in stats, events and per-operation timeouts. */
export type OperationName =
  | 'get'
  | 'set'
  | 'getMany'
  | 'setMany'
  | 'delete'
  | 'exists'
  | 'getTtl'
  | 'refreshTtl'
  | 'acquireLock'
  | 'renewLock'
  | 'releaseLock'
  | 'clearPrefix'
  | 'healthCheck'
  | 'close';
