/**
 * Watches a cached function from the outside, through its public health and statistics, while
 * a fault runs: circuit breaker transitions, L2 hits over time, the adaptive timeout in force.
 */
import type { CacheHealthStatus, CacheInfo } from '../../../src';

/** The part of a cached function the monitor reads. */
export interface Observable {
  getHealthStatus(): CacheHealthStatus;
  cacheInfo(): CacheInfo;
}

/** One observed breaker state, from when it was first seen. */
export interface BreakerSample {
  at: number;
  state: string;
}

/** Samples a cached function's public health every `intervalMs`. */
export class CacheMonitor {
  /** Breaker states in the order they were seen (consecutive duplicates dropped). */
  readonly breakerStates: BreakerSample[] = [];
  /** (time, cumulative L2 hits) samples. */
  readonly l2Hits: Array<{ at: number; hits: number }> = [];
  /** Highest adaptive `get` timeout seen, ms. */
  maxGetTimeoutMs = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly cached: Observable,
    intervalMs = 20,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Takes one sample now. */
  sample(): void {
    const at = performance.now();
    const health = this.cached.getHealthStatus();
    const reliability = health.backend?.reliability;
    // The breaker's `opened` counter catches an open → half-open cycle shorter than a sample.
    const state = reliability?.breaker?.state ?? 'disabled';
    const last = this.breakerStates[this.breakerStates.length - 1];
    if (last === undefined || last.state !== state) this.breakerStates.push({ at, state });
    this.l2Hits.push({ at, hits: this.cached.cacheInfo().l2Hits });
    const getTimeout = reliability?.timeouts.get?.timeoutMs;
    if (getTimeout !== undefined) this.maxGetTimeoutMs = Math.max(this.maxGetTimeoutMs, getTimeout);
  }

  /** Stops sampling (after one last sample). */
  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  /** First time after `from` at which the L2 hit count grew, or undefined. */
  firstL2HitAfter(from: number): number | undefined {
    let before: number | undefined;
    for (const sample of this.l2Hits) {
      if (sample.at < from) {
        before = sample.hits;
        continue;
      }
      if (before === undefined) before = sample.hits;
      else if (sample.hits > before) return sample.at;
    }
    return undefined;
  }

  /** L2 hits counted between two times (by the nearest samples). */
  l2HitsBetween(from: number, to: number): number {
    const at = (t: number) => {
      let hits = 0;
      for (const sample of this.l2Hits) {
        if (sample.at > t) break;
        hits = sample.hits;
      }
      return hits;
    };
    return at(to) - at(from);
  }

  /** The sequence of distinct breaker states seen, e.g. `closed → open → half-open → closed`. */
  get breakerPath(): string {
    return this.breakerStates.map((s) => s.state).join(' → ');
  }
}
