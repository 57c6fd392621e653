/**
 * Per-wrapper statistics: what `cacheInfo()` reports, and what health checks and metrics read
 * (at check or scrape time: the call path only bumps plain fields). Nothing here allocates per
 * call.
 */
import { INTEGRITY_REASONS, integrityReason, type IntegrityReason } from '../observability/integrity-reason';
import type { LockOutcome } from '../reliability/distributed-lock';
import { zeroCounters } from '../reliability/failure-counters';
import { nodeCrypto } from '../lazy-builtins';

/** One UUID per process, shared by every wrapper's session id (made when first asked for). */
let processId: string | undefined;

/** What `cacheInfo()` returns. `hits === l1Hits + l2Hits` always holds. */
export interface CacheInfo {
  /** Calls answered from a cache tier. */
  hits: number;
  /** Calls that ran the function because no tier had the value. */
  misses: number;
  /** Calls answered by the in-process tier. */
  l1Hits: number;
  /** Calls answered by the shared backend. */
  l2Hits: number;
  /** L1 capacity: entry cap if set, otherwise the byte budget; null without L1. */
  maxsize: number | null;
  /** Entries this function holds in L1; null without L1. */
  currsize: number | null;
  /** Mean latency of L2 hits in milliseconds (0 before the first). */
  l2AvgLatencyMs: number;
  /** Epoch milliseconds of the last call, or null. */
  lastOperationAt: number | null;
  /** `{process uuid}:{module}.{name}`, with `#N` appended after the N-th `cacheClear()`. */
  sessionId: string;
}

/** Counters beyond `cacheInfo()`, reported in health and metrics. */
export interface CacheCounters {
  /** Calls whose arguments could not be turned into a key (the function ran uncached). */
  keyErrors: number;
  /** Results that could not be encoded (returned but not cached). */
  encodeErrors: number;
  /** Results larger than the value size limit (returned but not cached). */
  oversizeValues: number;
  /** Stored entries that failed integrity or decryption checks (served as misses). */
  integrityErrors: number;
  /** L2 reads that failed, timed out, or were bypassed (served as misses). */
  l2ReadFailures: number;
  /** L2 writes that were dropped. */
  l2WriteFailures: number;
  /** Background stale-while-revalidate refreshes started. */
  swrRefreshes: number;
  /** Calls that joined an in-flight computation instead of running the function. */
  coalesced: number;
  /** Encrypted entries read under a previous master key (key rotation in progress). */
  oldKeyReads: number;
  /** Entries rewritten under the current master key after such a read. */
  keyRotationRewrites: number;
  /** L2 hits whose bytes matched a memoised decode, answered without opening them again (see `decodeMemo`). */
  decodeMemoHits: number;
  /** Steps after a good read or a computed result that failed (an L1 fill, a copy): the call was still answered. */
  followUpErrors: number;
  /** L1 hits served past their refresh point while a stale-while-revalidate refresh ran (part of `l1Hits`). */
  staleHits: number;
  /** Misses that ran the function because L2 could not answer (timeout, breaker open, overload): part of `misses`. */
  unavailableMisses: number;
  /** Copies found in L1 or in L2 that a tag invalidation had made obsolete (misses; a call may find both). */
  tagInvalidated: number;
  /** Calls answered with a stale value because the function failed or passed a factory timeout (fail-safe). */
  failSafeHits: number;
  /** Runs of the function still going at `factoryTimeout.soft` (the caller got the stale value). */
  softTimeouts: number;
  /** Runs of the function still going at `factoryTimeout.hard` (the caller stopped waiting). */
  hardTimeouts: number;
}

/** The last thing that went wrong in a cached function (what a health check reports). */
export interface LastProblem {
  /** Epoch ms. */
  readonly at: number;
  /** The log message written about it. */
  readonly message: string;
}

/** Outcomes of the distributed stampede lock (see `LockOutcome`). */
const LOCK_OUTCOMES: readonly LockOutcome[] = ['acquired', 'waited', 'unavailable', 'wait-timeout', 'aborted'];

/** Counts since the wrapper was built: `cacheClear()` does not zero them (metrics never go backwards). */
export interface CacheTotals {
  readonly l1Hits: number;
  readonly l2Hits: number;
  readonly misses: number;
  readonly counters: Readonly<CacheCounters>;
}

/** Mutable statistics of one wrapped function. */
export class CacheStats {
  l1Hits = 0;
  l2Hits = 0;
  misses = 0;
  l2LatencyTotalMs = 0;
  lastOperationAt: number | null = null;
  clears = 0;
  readonly counters: CacheCounters = {
    keyErrors: 0,
    encodeErrors: 0,
    oversizeValues: 0,
    integrityErrors: 0,
    l2ReadFailures: 0,
    l2WriteFailures: 0,
    swrRefreshes: 0,
    coalesced: 0,
    oldKeyReads: 0,
    keyRotationRewrites: 0,
    decodeMemoHits: 0,
    followUpErrors: 0,
    staleHits: 0,
    unavailableMisses: 0,
    tagInvalidated: 0,
    failSafeHits: 0,
    softTimeouts: 0,
    hardTimeouts: 0,
  };
  /** Refused entries by reason (never reset). */
  readonly integrityReasons: Record<IntegrityReason, number> = zeroCounters(INTEGRITY_REASONS);
  /** Distributed-lock outcomes of misses (never reset). */
  readonly lockOutcomes: Record<LockOutcome, number> = zeroCounters(LOCK_OUTCOMES);
  /** The last problem logged at warn or error, or null. */
  lastProblem: LastProblem | null = null;
  /** What `reset()` zeroed, so totals keep counting up. */
  private readonly carried = { l1Hits: 0, l2Hits: 0, misses: 0, counters: {} as Partial<CacheCounters> };

  constructor(private readonly qualifiedName: string) {}

  /** Session id as described on `CacheInfo.sessionId`. */
  get sessionId(): string {
    const base = `${(processId ??= nodeCrypto().randomUUID())}:${this.qualifiedName}`;
    return this.clears === 0 ? base : `${base}#${this.clears}`;
  }

  /** Records an L2 hit and its latency. */
  recordL2Hit(latencyMs: number): void {
    this.l2Hits++;
    this.l2LatencyTotalMs += latencyMs;
  }

  /** Counts an entry that failed to open (checksum, decryption, format, decoding). */
  recordIntegrityFailure(error: unknown): void {
    this.counters.integrityErrors++;
    this.integrityReasons[integrityReason(error)]++;
  }

  /** The monotonic view metrics read: counts since the wrapper was built. */
  totals(): CacheTotals {
    const carried = this.carried;
    const counters = { ...this.counters };
    for (const key of Object.keys(carried.counters) as Array<keyof CacheCounters>) counters[key] += carried.counters[key] ?? 0;
    return { l1Hits: this.l1Hits + carried.l1Hits, l2Hits: this.l2Hits + carried.l2Hits, misses: this.misses + carried.misses, counters };
  }

  /** Zeroes the counters (on `cacheClear()`), advancing the session id. */
  reset(): void {
    const carried = this.carried;
    carried.l1Hits += this.l1Hits;
    carried.l2Hits += this.l2Hits;
    carried.misses += this.misses;
    for (const key of Object.keys(this.counters) as Array<keyof CacheCounters>) carried.counters[key] = (carried.counters[key] ?? 0) + this.counters[key];
    this.l1Hits = 0;
    this.l2Hits = 0;
    this.misses = 0;
    this.l2LatencyTotalMs = 0;
    this.lastOperationAt = null;
    this.clears++;
    for (const key of Object.keys(this.counters) as Array<keyof CacheCounters>) this.counters[key] = 0;
  }

  /** A snapshot in the `CacheInfo` shape. */
  info(maxsize: number | null, currsize: number | null): CacheInfo {
    return {
      hits: this.l1Hits + this.l2Hits,
      misses: this.misses,
      l1Hits: this.l1Hits,
      l2Hits: this.l2Hits,
      maxsize,
      currsize,
      l2AvgLatencyMs: this.l2Hits === 0 ? 0 : this.l2LatencyTotalMs / this.l2Hits,
      lastOperationAt: this.lastOperationAt,
      sessionId: this.sessionId,
    };
  }
}
