/**
 * Adaptive timeout for one backend operation: clamp(p95 of recent latencies × 1.5, min, max),
 * or the initial value until enough latencies were seen. The value is recomputed every few
 * samples and read as a plain field, because it is consulted on every L2 call.
 */
import { LatencyWindow } from './latency-window';
import type { AdaptiveTimeoutOptions } from './options';

/** Samples between two recomputations of the percentile. */
const RECOMPUTE_EVERY = 16;

/** Snapshot returned by `AdaptiveTimeout.stats()`. */
export interface AdaptiveTimeoutStats {
  /** Timeout currently applied, ms. */
  readonly timeoutMs: number;
  /** Latencies in the window. */
  readonly samples: number;
  /** The tracked percentile of the window (ms), or null before `minSamples`. */
  readonly percentileMs: number | null;
  /** Operations that ran into the timeout since creation. */
  readonly timeouts: number;
}

/** Tracks latencies of one operation and derives its timeout. */
export class AdaptiveTimeout {
  private readonly options: Readonly<AdaptiveTimeoutOptions>;
  private readonly window: LatencyWindow;
  private value: number;
  private observedPercentile: number | null = null;
  private sinceRecompute = 0;
  private timeoutCount = 0;

  constructor(options: Readonly<AdaptiveTimeoutOptions>) {
    this.options = options;
    this.window = new LatencyWindow(options.windowSize, options.maxMs);
    this.value = options.initialMs;
  }

  /** The timeout to apply to the next operation, ms. */
  current(): number {
    return this.value;
  }

  /** Records the latency of a successful operation (failed ones may return early and would drag the percentile down). */
  record(latencyMs: number): void {
    this.window.add(latencyMs);
    this.sinceRecompute++;
    const size = this.window.size;
    if (size < this.options.minSamples) return;
    if (this.sinceRecompute >= RECOMPUTE_EVERY || size === this.options.minSamples) this.recompute();
  }

  /**
   * Records an operation cut off at `timeoutMs`. It enters the window as a sample of exactly
   * the timeout (its true latency is at least that): if timeouts become common enough to reach
   * the percentile, the timeout grows by `multiplier`, so a backend that became slower for good
   * is followed up to `maxMs` instead of timing out forever. A stalled backend rarely gets
   * there, because the breaker opens after a few timeouts and stops feeding samples.
   */
  recordTimeout(timeoutMs: number): void {
    this.timeoutCount++;
    this.record(timeoutMs);
  }

  /** Current value and window facts. */
  stats(): AdaptiveTimeoutStats {
    return {
      timeoutMs: this.value,
      samples: this.window.size,
      percentileMs: this.observedPercentile,
      timeouts: this.timeoutCount,
    };
  }

  private recompute(): void {
    this.sinceRecompute = 0;
    const observed = this.window.percentile(this.options.percentile);
    this.observedPercentile = observed;
    const target = observed * this.options.multiplier;
    this.value = Math.min(this.options.maxMs, Math.max(this.options.minMs, target));
  }
}
