/**
 * Counters of a backend facade: answers, failures by reason, errors by category, dropped
 * writes and integrity events. Plain fields, bumped on the hot path, copied by `snapshot()`.
 */
import type { ErrorCategory } from './classify-error';
import type { FailureReason } from './operation-result';

const FAILURE_REASONS: readonly FailureReason[] = ['timeout', 'breaker-open', 'overload', 'error', 'aborted', 'unsupported', 'closed'];
const ERROR_CATEGORIES: readonly ErrorCategory[] = ['transient', 'permanent', 'timeout', 'authentication', 'unknown', 'integrity'];

/** A record of zeros, one per key. */
export function zeroCounters<K extends string>(keys: readonly K[]): Record<K, number> {
  const counters = {} as Record<K, number>;
  for (const key of keys) counters[key] = 0;
  return counters;
}

/** Snapshot of `FailureCounters`. */
export interface FailureCountersSnapshot {
  readonly succeeded: number;
  readonly failures: Readonly<Record<FailureReason, number>>;
  readonly errorsByCategory: Readonly<Record<ErrorCategory, number>>;
  readonly droppedWrites: number;
  readonly integrityEvents: number;
}

/** Mutable counters of one facade. */
export class FailureCounters {
  succeeded = 0;
  droppedWrites = 0;
  integrityEvents = 0;
  readonly failures = zeroCounters(FAILURE_REASONS);
  readonly errorsByCategory = zeroCounters(ERROR_CATEGORIES);

  /** A copy safe to hand out. */
  snapshot(): FailureCountersSnapshot {
    return {
      succeeded: this.succeeded,
      failures: { ...this.failures },
      errorsByCategory: { ...this.errorsByCategory },
      droppedWrites: this.droppedWrites,
      integrityEvents: this.integrityEvents,
    };
  }
}
