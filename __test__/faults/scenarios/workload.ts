/**
 * The function every fault scenario caches: its result is derived from its arguments, so each
 * answer can be checked, and it records every run so scenarios can tell a computed answer from
 * a cached one and count runs.
 */
import { isDeepStrictEqual } from 'node:util';

/** What `workload(a, b)` returns: derived from the arguments only. */
export interface WorkloadValue {
  a: number;
  b: number;
  product: number;
  label: string;
  digits: number[];
}

/** The right answer for `(a, b)`. */
export function expectedValue(a: number, b: number): WorkloadValue {
  return { a, b, product: a * b, label: `item-${a}-${b}`, digits: String(a * 1_000 + b).split('').map(Number) };
}

/** Whether `value` is the right answer for `(a, b)`. */
export function isCorrect(value: unknown, a: number, b: number): boolean {
  return isDeepStrictEqual(value, expectedValue(a, b));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A slow function with run accounting. */
export class Workload {
  /** Runs started. */
  runs = 0;
  /** Time spent in the most recent finished run of each `(a, b)`, ms; taken by `takeRunTime`. */
  private readonly runTimes = new Map<string, number>();

  /** @param delayMs how long one run takes (a timer, not CPU: the event loop stays free) */
  constructor(readonly delayMs: number) {}

  /** The function to cache. Named, so the cache key names it. */
  readonly fn = async (a: number, b: number): Promise<WorkloadValue> => {
    this.runs++;
    const started = performance.now();
    if (this.delayMs > 0) await sleep(this.delayMs);
    this.runTimes.set(`${a}:${b}`, performance.now() - started);
    return expectedValue(a, b);
  };

  /**
   * The run time of the last run of `(a, b)` since the previous take, or 0 when it did not
   * run. Exact when only one caller uses `(a, b)` at a time (scenarios give each caller its own `a`).
   */
  takeRunTime(a: number, b: number): number {
    const key = `${a}:${b}`;
    const ms = this.runTimes.get(key);
    if (ms === undefined) return 0;
    this.runTimes.delete(key);
    return ms;
  }
}
