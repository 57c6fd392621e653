/**
 * Adaptive timeout for one backend operation: clamp(p95 of recent latencies × 1.5, min, max),
 * or the initial value until enough latencies were seen. The value is recomputed every few
 * samples and read as a plain field, because it is consulted on every L2 call.
 *
 * A slow backend and a frozen one both miss the deadline; what tells them apart is whether the
 * answer still comes. Operations are left running past the caller's deadline (up to `maxMs`),
 * and an answer that arrives late proves the backend is alive but slower than the timeout: the
 * timeout is raised at once to cover it (× `multiplier`) and held there until the percentile
 * has seen enough samples to judge whether the slowdown lasts. A frozen backend never answers,
 * so it never drags the timeout up and callers keep failing over quickly.
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
  /** Timed-out operations whose answer still arrived (and raised the timeout). */
  readonly lateAnswers: number;
}

/** Tracks latencies of one operation and derives its timeout. */
export class AdaptiveTimeout {
  private readonly options: Readonly<AdaptiveTimeoutOptions>;
  private readonly window: LatencyWindow;
  /** Samples a late answer's floor is held for: enough for the percentile to reflect a lasting change. */
  private readonly holdSamples: number;
  private value: number;
  /** The value the percentile (or `initialMs`) gives, before any late-answer floor. */
  private base: number;
  private floor = 0;
  private floorSamplesLeft = 0;
  private observedPercentile: number | null = null;
  private sinceRecompute = 0;
  private timeoutCount = 0;
  private lateCount = 0;

  constructor(options: Readonly<AdaptiveTimeoutOptions>) {
    this.options = options;
    this.window = new LatencyWindow(options.windowSize, options.maxMs);
    this.value = options.initialMs;
    this.base = options.initialMs;
    // The percentile reflects a slowdown once the slow samples exceed its tail share of the
    // window, and notices at its next recomputation.
    const tail = Math.ceil((options.windowSize * (100 - options.percentile)) / 100);
    this.holdSamples = Math.max(options.minSamples, tail) + RECOMPUTE_EVERY;
  }

  /** The timeout to apply to the next operation, ms. */
  current(): number {
    return this.value;
  }

  /** The longest timeout this can ever return (`maxMs`), ms. */
  get ceilingMs(): number {
    return this.options.maxMs;
  }

  /** Records the latency of an operation that answered within its timeout. */
  record(latencyMs: number): void {
    this.window.add(latencyMs);
    this.sinceRecompute++;
    if (this.floorSamplesLeft > 0 && --this.floorSamplesLeft === 0) this.floor = 0;
    const size = this.window.size;
    if (size >= this.options.minSamples && (this.sinceRecompute >= RECOMPUTE_EVERY || size === this.options.minSamples)) {
      this.recompute();
    }
    this.apply();
  }

  /**
   * Counts an operation cut off at its timeout. It adds no sample: its latency is unknown, and
   * a frozen backend must not teach the timeout to wait longer for it. If the answer still
   * arrives, `recordLate` adds it.
   */
  recordTimeout(): void {
    this.timeoutCount++;
  }

  /**
   * Records the latency of an operation that answered after its timeout had passed: the timeout
   * rises to `latencyMs × multiplier` (capped at `maxMs`) for the next samples.
   */
  recordLate(latencyMs: number): void {
    this.lateCount++;
    const needed = Math.min(this.options.maxMs, latencyMs * this.options.multiplier);
    this.floor = this.floorSamplesLeft > 0 ? Math.max(this.floor, needed) : needed;
    // +1: recording the sample itself consumes one.
    this.floorSamplesLeft = this.holdSamples + 1;
    this.record(latencyMs);
  }

  /** Current value and window facts. */
  stats(): AdaptiveTimeoutStats {
    return {
      timeoutMs: this.value,
      samples: this.window.size,
      percentileMs: this.observedPercentile,
      timeouts: this.timeoutCount,
      lateAnswers: this.lateCount,
    };
  }

  private recompute(): void {
    this.sinceRecompute = 0;
    const observed = this.window.percentile(this.options.percentile);
    this.observedPercentile = observed;
    const target = observed * this.options.multiplier;
    this.base = Math.min(this.options.maxMs, Math.max(this.options.minMs, target));
  }

  private apply(): void {
    this.value = this.floorSamplesLeft > 0 ? Math.max(this.base, this.floor) : this.base;
  }
}
