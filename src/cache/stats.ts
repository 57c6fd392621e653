/**
 * Per-wrapper statistics: what `cacheInfo()` reports. Plain counters on the hit path; nothing
 * here allocates per call.
 */
import { randomUUID } from 'node:crypto';

/** One UUID per process, shared by every wrapper's session id. */
const PROCESS_ID = randomUUID();

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
  };

  constructor(private readonly qualifiedName: string) {}

  /** Session id as described on `CacheInfo.sessionId`. */
  get sessionId(): string {
    const base = `${PROCESS_ID}:${this.qualifiedName}`;
    return this.clears === 0 ? base : `${base}#${this.clears}`;
  }

  /** Records an L2 hit and its latency. */
  recordL2Hit(latencyMs: number): void {
    this.l2Hits++;
    this.l2LatencyTotalMs += latencyMs;
  }

  /** Zeroes the counters (on `cacheClear()`), advancing the session id. */
  reset(): void {
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
