/**
 * Concurrent callers and what happened to each of their calls: when it started and ended, how
 * long the function itself ran for it, whether it failed and whether its value was right.
 */
import { isCorrect, type Workload, type WorkloadValue } from './workload';

/** One finished call. */
export interface CallRecord {
  /** The arguments. */
  a: number;
  b: number;
  /** `performance.now()` when the call started / returned, ms. */
  startedAt: number;
  endedAt: number;
  /** Time the function ran for this call (0 for an answer from the cache), ms. */
  runMs: number;
  /** The call threw. */
  failed: boolean;
  /** The call returned a value other than the right one. */
  wrong: boolean;
}

/** Nearest-rank percentile of `values` (sorted copy), or 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

/** Rounds to one decimal for reports. */
export const round1 = (value: number): number => Math.round(value * 10) / 10;

/** Records calls and summarises them. */
export class CallLog {
  readonly records: CallRecord[] = [];
  /** Errors thrown by calls (first few kept for the failure message). */
  readonly errors: unknown[] = [];

  /**
   * Calls `call(a, b)`, checks its value, records it. Never throws: a failure is recorded.
   */
  async record(workload: Workload, call: (a: number, b: number) => Promise<WorkloadValue>, a: number, b: number): Promise<CallRecord> {
    // Forget a run of (a, b) that happened outside a recorded call (warm-up).
    workload.takeRunTime(a, b);
    const startedAt = performance.now();
    let failed = false;
    let wrong = false;
    try {
      const value = await call(a, b);
      wrong = !isCorrect(value, a, b);
    } catch (error) {
      failed = true;
      if (this.errors.length < 5) this.errors.push(error);
    }
    const record = { a, b, startedAt, endedAt: performance.now(), runMs: workload.takeRunTime(a, b), failed, wrong };
    this.records.push(record);
    return record;
  }

  /** Calls that were running at some point in [from, to]. */
  overlapping(from: number, to: number): CallRecord[] {
    return this.records.filter((r) => r.startedAt <= to && r.endedAt >= from);
  }

  /** Figures over `records` (all calls by default). */
  summary(records: readonly CallRecord[] = this.records): CallSummary {
    const durations = records.map((r) => r.endedAt - r.startedAt);
    const waits = records.map((r) => r.endedAt - r.startedAt - r.runMs);
    return {
      calls: records.length,
      errors: records.filter((r) => r.failed).length,
      wrongValues: records.filter((r) => r.wrong).length,
      p50Ms: round1(percentile(durations, 50)),
      p99Ms: round1(percentile(durations, 99)),
      maxMs: round1(durations.reduce((m, d) => Math.max(m, d), 0)),
      maxWaitMs: round1(waits.reduce((m, d) => Math.max(m, d), 0)),
    };
  }
}

/** The figures every scenario reports about its calls. */
export interface CallSummary {
  calls: number;
  errors: number;
  wrongValues: number;
  /** Call duration percentiles (function time included), ms. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Longest time a call spent on anything but running the function (cache, lock, timeouts), ms. */
  maxWaitMs: number;
}

/** Options of `runCallers`. */
export interface CallerOptions {
  callers: number;
  /** Stop starting new calls after this long, ms. */
  durationMs: number;
  /** Distinct `b` per caller; caller `i` calls `(i, b)` with `b` uniform in [0, itemsPerCaller). */
  itemsPerCaller: number;
  /** Pause between a caller's calls, ms (keeps a 2-core machine from saturating). */
  thinkMs: number;
  /**
   * Keep calling past `durationMs` until `done()` holds, for at most `maxMs` in all: for a
   * scenario that waits for a recovery whose timing depends on the machine's load.
   */
  extendUntil?: { done: () => boolean; maxMs: number };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `callers` concurrent loops for `durationMs`; each loop calls `call(caller, b)` and
 * records it. Resolves when every loop has finished its last call.
 */
export async function runCallers(
  log: CallLog,
  workload: Workload,
  call: (a: number, b: number) => Promise<WorkloadValue>,
  options: CallerOptions,
): Promise<void> {
  const started = performance.now();
  const end = started + options.durationMs;
  const extension = options.extendUntil;
  const going = (): boolean => {
    const now = performance.now();
    if (now < end) return true;
    return extension !== undefined && !extension.done() && now < started + extension.maxMs;
  };
  const loop = async (caller: number): Promise<void> => {
    // Stagger the start so the callers do not stay in lockstep.
    await sleep(caller % 8);
    while (going()) {
      await log.record(workload, call, caller, Math.floor(Math.random() * options.itemsPerCaller));
      if (options.thinkMs > 0) await sleep(options.thinkMs);
    }
  };
  await Promise.all(Array.from({ length: options.callers }, (_, caller) => loop(caller)));
}
