/**
 * One L1 entry. A plain class with fixed fields so V8 keeps one hidden class for every
 * entry: the hit path reads these fields and nothing else.
 */
export class L1Entry {
  /** Neighbours in the recency list (most recent at the head). */
  prev: L1Entry | null = null;
  next: L1Entry | null = null;
  /** Set once a stale-while-revalidate refresh has been started for this entry. */
  refreshing = false;

  constructor(
    /** The full cache key. */
    readonly key: string,
    /**
     * What a hit is served from: a template, pending or plain serialized bytes, sealed bytes, or
     * the live value (reference mode). Replaced only by `L1Cache.replaceValue`.
     */
    public value: unknown,
    /** Bytes charged against the budget. Changed only by `L1Cache.replaceValue`. */
    public size: number,
    /** Epoch ms after which the entry is gone (`Infinity` = never); only shortened, by `L1Cache.capLifetimes`. */
    public expiresAt: number,
    /** Epoch ms after which a hit triggers a background refresh (`Infinity` = never). */
    readonly refreshAt: number,
    /** Monotonic write generation: a refresh started at generation g may only replace g. */
    readonly generation: number,
    /** Which wrapped function owns the entry, so `cacheClear()` removes only its own. */
    readonly owner: number,
    /**
     * What the cache layer keeps beside the value (creation time, freshness, tags of a framed
     * entry), undefined for ordinary entries. Opaque here: the hit path checks it, not the L1.
     */
    readonly meta: unknown = undefined,
  ) {}
}
