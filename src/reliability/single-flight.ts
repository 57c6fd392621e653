/**
 * In-process request coalescing: concurrent calls for the same key share one promise, so a
 * burst of misses runs the function once per process. The entry is removed as soon as the
 * promise settles — fulfilled or rejected — so nothing is cached here and nothing leaks.
 */

/** Snapshot returned by `SingleFlight.stats()`. */
export interface SingleFlightStats {
  /** Keys with a run in progress. */
  readonly inFlight: number;
  /** Runs started. */
  readonly runs: number;
  /** Calls that joined a run already in progress. */
  readonly joined: number;
}

/** Deduplicates concurrent work by key. */
export class SingleFlight {
  private readonly pending = new Map<string, Promise<unknown>>();
  private runCount = 0;
  private joinCount = 0;

  /**
   * Returns the in-progress promise for `key`, or starts `fn` and shares its promise with every
   * caller arriving before it settles. A rejection reaches every sharer, then the key is free
   * again, so the next call retries.
   */
  run<T>(key: string, fn: () => T | PromiseLike<T>): Promise<T> {
    const existing = this.pending.get(key);
    if (existing !== undefined) {
      this.joinCount++;
      return existing as Promise<T>;
    }
    this.runCount++;
    let started: Promise<T>;
    try {
      started = Promise.resolve(fn());
    } catch (error) {
      // A synchronous throw becomes a rejection of this call only; no entry is left behind.
      return Promise.reject(error);
    }
    const forget = (): void => {
      if (this.pending.get(key) === shared) this.pending.delete(key);
    };
    const shared = started.finally(forget);
    this.pending.set(key, shared);
    return shared;
  }

  /** Whether a run for `key` is in progress. */
  has(key: string): boolean {
    return this.pending.has(key);
  }

  /** Keys with a run in progress. */
  get size(): number {
    return this.pending.size;
  }

  /** Current counters. */
  stats(): SingleFlightStats {
    return { inFlight: this.pending.size, runs: this.runCount, joined: this.joinCount };
  }
}
