/**
 * A sliding window of latencies with a cheap percentile. Samples land in logarithmic buckets
 * (5 % wide), a ring buffer remembers which bucket each sample took so the oldest can be
 * evicted in O(1), and a percentile is a scan over a few hundred counters — never a sort of the
 * window. The answer is the upper edge of the bucket, so it errs on the long side by < 5 %.
 */

/** Smallest latency told apart, ms; everything faster shares the first bucket. */
const BASE_MS = 0.01;
/** Ratio between consecutive bucket edges. */
const GROWTH = 1.05;
const LOG_GROWTH = Math.log(GROWTH);

/** Fixed-size window of recent latencies with an approximate percentile. */
export class LatencyWindow {
  private readonly ring: Uint16Array;
  private readonly counts: Uint32Array;
  private readonly topBucket: number;
  private cursor = 0;
  private filled = 0;

  /**
   * @param capacity samples kept (older ones are evicted)
   * @param ceilingMs latencies at or above this share the last bucket (callers clamp to it anyway)
   */
  constructor(capacity: number, ceilingMs: number) {
    this.ring = new Uint16Array(capacity);
    this.topBucket = Math.min(65_535, Math.max(1, Math.ceil(Math.log(Math.max(ceilingMs, BASE_MS) / BASE_MS) / LOG_GROWTH)));
    this.counts = new Uint32Array(this.topBucket + 1);
  }

  /** Samples currently in the window. */
  get size(): number {
    return this.filled;
  }

  /** Adds one latency in ms. */
  add(latencyMs: number): void {
    const bucket = this.bucketOf(latencyMs);
    if (this.filled === this.ring.length) {
      const evicted = this.ring[this.cursor] ?? 0;
      this.counts[evicted] = (this.counts[evicted] ?? 1) - 1;
    } else {
      this.filled++;
    }
    this.ring[this.cursor] = bucket;
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.cursor = this.cursor + 1 === this.ring.length ? 0 : this.cursor + 1;
  }

  /**
   * The `percentile` (0–100] of the window in ms (nearest-rank, upper bucket edge), or NaN
   * when empty.
   */
  percentile(percentile: number): number {
    if (this.filled === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil((percentile / 100) * this.filled));
    let seen = 0;
    for (let bucket = 0; bucket <= this.topBucket; bucket++) {
      seen += this.counts[bucket] ?? 0;
      if (seen >= rank) return BASE_MS * GROWTH ** bucket;
    }
    return BASE_MS * GROWTH ** this.topBucket;
  }

  /** Forgets every sample. */
  clear(): void {
    this.counts.fill(0);
    this.cursor = 0;
    this.filled = 0;
  }

  private bucketOf(latencyMs: number): number {
    if (!(latencyMs > BASE_MS)) return 0;
    const bucket = Math.ceil(Math.log(latencyMs / BASE_MS) / LOG_GROWTH);
    return bucket > this.topBucket ? this.topBucket : bucket;
  }
}
