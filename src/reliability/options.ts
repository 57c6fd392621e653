/**
 * Reliability options and their defaults — the one place both live. Validation is in
 * `validate-options.ts`. Defaults target a web service talking to a nearby Redis: a cache that
 * stalls must cost a request tens of milliseconds, not seconds.
 */
import type { BackendErrorKind } from '../errors';
import type { ErrorCategory } from './classify-error';

/** Circuit breaker settings (one breaker per backend and namespace). */
export interface CircuitBreakerOptions {
  /**
   * Backend failures within `windowMs` that open the breaker. Default 5: a handful of failures
   * is a pattern, one is noise.
   */
  failureThreshold: number;
  /** Sliding window for counting failures, ms. Default 10 000: older failures are forgotten. */
  windowMs: number;
  /**
   * Time the breaker stays open before it lets probes through, ms. Default 1 000: caching must
   * resume within about a second of Redis coming back (a failed probe re-opens the breaker for
   * another full period, so a 5 s period could add 5 s to any outage). Probing a dead Redis is
   * cheap — its connection refusal fails at once — and a frozen one costs at most
   * `halfOpenRequests` calls one adaptive timeout per period.
   */
  recoveryTimeoutMs: number;
  /** Probes allowed in flight at once while half-open (a concurrency cap). Default 3. */
  halfOpenRequests: number;
  /** Successful probes needed to close again; must be ≤ `halfOpenRequests`. Default 2. */
  successThreshold: number;
  /**
   * Error categories that do NOT count as failures. Default `['permanent']`: a permanent error
   * (WRONGTYPE, value too large, OOM on write, EISDIR) is about one request, while the backend
   * still serves everything else — opening the breaker would throw away working reads.
   * `authentication` does count: every request will fail the same way, so bypassing saves a
   * round trip per call until credentials are fixed. `integrity` never reaches the breaker.
   */
  excludedKinds: readonly BackendErrorKind[];
  /**
   * Custom failure predicate; replaces `excludedKinds` when given. Receives the raw error and
   * its category. Timeouts always count.
   */
  isFailure?: (error: unknown, category: ErrorCategory) => boolean;
}

/** Adaptive per-operation timeout settings. */
export interface AdaptiveTimeoutOptions {
  /**
   * Timeout before `minSamples` latencies were seen, ms. Default 250: generous for a cold
   * connection, yet a call that meets a stalled Redis on its very first read still finishes
   * within half a second.
   */
  initialMs: number;
  /**
   * Floor, ms. Default 25: a loopback Redis answers in well under 1 ms, so p95 × 1.5 would be
   * tiny; the floor absorbs event-loop jitter and GC pauses so they are not taken for outages.
   */
  minMs: number;
  /**
   * Ceiling, ms. Default 500: even a slow backend never costs a call more than half a second
   * per operation, and a cache slower than that is rarely worth waiting for. With a healthy
   * nearby Redis the adaptive value sits at `minMs`. Operations the caller stopped waiting for
   * may run on in the background up to this long, so late answers can be learned from.
   */
  maxMs: number;
  /** Latencies kept in the sliding window. Default 1 000. */
  windowSize: number;
  /** Samples needed before the adaptive value replaces `initialMs`. Default 20. */
  minSamples: number;
  /** Percentile of the window the timeout tracks, in (0, 100]. Default 95. */
  percentile: number;
  /** Factor applied to the percentile. Default 1.5: headroom above normal tail latency. */
  multiplier: number;
  /**
   * Fixed timeout for whole-namespace operations (`clearPrefix`), ms. Default 30 000: these
   * scan the keyspace, are rare and are started by an operator, not by a request.
   */
  clearPrefixMs: number;
}

/** Concurrency limit for backend operations. */
export interface BackpressureOptions {
  /** Backend operations in flight at once. Default 256: enough for a busy process, bounded. */
  maxConcurrent: number;
  /** Operations allowed to wait for a slot. Default 4 096; beyond it calls are rejected at once. */
  queueSize: number;
  /**
   * Longest wait for a slot, ms. Default 100: waiting longer than a cache round trip is worth
   * is pointless — the caller computes instead.
   */
  queueTimeoutMs: number;
}

/** Distributed lock (stampede protection across processes). */
export interface LockOptions {
  /** Take an L2 lock on a miss so one process computes. Default true. */
  enabled: boolean;
  /**
   * Lease of the lock, ms; renewed every third of it while the function runs. Default 10 000:
   * a crashed holder blocks others for at most this long.
   */
  leaseMs: number;
  /**
   * How long a waiter polls for the holder's value before computing itself, ms. Default 5 000.
   */
  waitTimeoutMs: number;
}

/** User-facing reliability options: each group may be partial, or `false` to disable it. */
export interface ReliabilityOptions {
  circuitBreaker?: Partial<CircuitBreakerOptions> | false;
  timeouts?: Partial<AdaptiveTimeoutOptions> | false;
  backpressure?: Partial<BackpressureOptions> | false;
  lock?: Partial<LockOptions> | false;
}

/** Options after defaults were applied and validation passed. */
export interface ResolvedReliabilityOptions {
  readonly circuitBreaker: Readonly<CircuitBreakerOptions> | false;
  readonly timeouts: Readonly<AdaptiveTimeoutOptions> | false;
  readonly backpressure: Readonly<BackpressureOptions> | false;
  readonly lock: Readonly<LockOptions>;
}

/** Default circuit breaker settings. */
export const DEFAULT_CIRCUIT_BREAKER: Readonly<CircuitBreakerOptions> = Object.freeze({
  failureThreshold: 5,
  windowMs: 10_000,
  recoveryTimeoutMs: 1_000,
  halfOpenRequests: 3,
  successThreshold: 2,
  excludedKinds: Object.freeze(['permanent'] as const),
});

/** Default adaptive timeout settings. */
export const DEFAULT_TIMEOUTS: Readonly<AdaptiveTimeoutOptions> = Object.freeze({
  initialMs: 250,
  minMs: 25,
  maxMs: 500,
  windowSize: 1_000,
  minSamples: 20,
  percentile: 95,
  multiplier: 1.5,
  clearPrefixMs: 30_000,
});

/** Default backpressure settings. */
export const DEFAULT_BACKPRESSURE: Readonly<BackpressureOptions> = Object.freeze({
  maxConcurrent: 256,
  queueSize: 4_096,
  queueTimeoutMs: 100,
});

/** Default lock settings. */
export const DEFAULT_LOCK: Readonly<LockOptions> = Object.freeze({
  enabled: true,
  leaseMs: 10_000,
  waitTimeoutMs: 5_000,
});

/** Shortest interval between a lock waiter's polls, ms. */
export const LOCK_POLL_MIN_MS = 5;
/** Upper bound of the lock waiters' poll interval, ms. */
export const LOCK_POLL_MAX_MS = 100;
/**
 * A waiter's next poll comes after this fraction of the time it has already waited (within the
 * bounds above, jittered ±25 %). So it sees the holder's value at most ~20 % after it appeared:
 * a 50 ms function costs its waiters about 60 ms, where doubling intervals could cost 100 ms.
 */
export const LOCK_POLL_FRACTION = 0.2;
/**
 * A lock holder whose function ran at least this long announces its write at once (ms); a
 * shorter run's write is announced with the fills (within the bus's `FILL_GATHER_MS`, 5 ms).
 * Waiters are woken by either, and look by themselves every `LOCK_POLL_MIN_MS` or more: after a
 * short run a gathered announcement reaches them about when their first poll would, and the
 * publish (about a round trip of work at both ends) is paid at once only when it is small
 * beside the run it ends.
 */
export const LOCK_PROMPT_ANNOUNCE_MS = 2;
