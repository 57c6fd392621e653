/**
 * Scenario 7: overload against a frozen Redis. 10,000 calls are kept in flight (each caller
 * starts its next call as soon as one returns) while Redis is SIGSTOPped for 3 s. Every call
 * must return with the right value, backend operations in flight must stay under the
 * backpressure limit, and the heap must stay flat: nothing may pile up per call while Redis is
 * gone.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { percentile, round1 } from './calls';
import { CacheMonitor } from './monitor';
import { check, type ScenarioReport } from './report';
import { createWorld, sleep } from './setup';
import { isCorrect } from './workload';

/** Calls in flight at once. */
export const OVERLOAD_CALLS = 10_000;
/** How long Redis stays frozen under the load, ms. */
export const OVERLOAD_PAUSE_MS = 3_000;
/** Asserted bound on live-heap growth from the first to the last second of the freeze, MB. */
export const HEAP_DRIFT_LIMIT_MB = 8;
/** Asserted bound on live heap above the idle baseline while under load, MB. */
export const HEAP_LOAD_LIMIT_MB = 96;

const FUNCTION_MS = 5;
const MB = 1024 * 1024;

/** A full garbage collection, so heap figures mean live memory. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function liveHeapMb(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed / MB;
}

/** Runs scenario 7. */
export async function overloadScenario(): Promise<ScenarioReport> {
  const world = await createWorld('overload', { delayMs: FUNCTION_MS, cacheOptions: { l1: false } });
  try {
    const { server, cached, workload } = world;
    // Warm the connection and the adaptive timeouts.
    for (let round = 0; round < 5; round++) await Promise.all(Array.from({ length: 64 }, (_, i) => cached(i, round)));
    await cached.flush();
    // Preallocated, so recording durations does not itself grow the heap.
    const durations = new Float64Array(4_000_000);
    let count = 0;
    let errors = 0;
    let wrong = 0;
    const baselineMb = liveHeapMb();

    const monitor = new CacheMonitor(cached, 50);
    server.pause();
    const pausedAt = performance.now();
    let stop = false;
    const loop = async (a: number): Promise<void> => {
      for (let b = 0; !stop; b++) {
        const started = performance.now();
        try {
          if (!isCorrect(await cached(a, b), a, b)) wrong++;
        } catch {
          errors++;
        }
        if (count < durations.length) durations[count++] = performance.now() - started;
        // The workload notes each run's time for `CallLog`; drop it, or the notes would grow.
        workload.takeRunTime(a, b);
      }
    };
    const loops = Array.from({ length: OVERLOAD_CALLS }, (_, a) => loop(a));
    const heapAt: number[] = [];
    let peakRssMb = 0;
    for (let second = 1; second * 1_000 <= OVERLOAD_PAUSE_MS; second++) {
      await sleep(pausedAt + second * 1_000 - performance.now());
      heapAt.push(liveHeapMb());
      peakRssMb = Math.max(peakRssMb, process.memoryUsage().rss / MB);
    }
    stop = true;
    const stoppedAt = performance.now();
    await Promise.all(loops);
    const drainedMs = performance.now() - stoppedAt;
    server.resume();
    await cached.flush();
    const afterMb = liveHeapMb();
    monitor.stop();

    // Redis is usable again once it is back.
    const runsBefore = workload.runs;
    await sleep(1_500);
    await cached(0, 1_000_000);
    await cached.flush();
    const recovered = isCorrect(await cached(0, 1_000_000), 0, 1_000_000) && workload.runs === runsBefore + 1;

    const stats = cached.getHealthStatus().backend?.reliability;
    const backpressure = stats?.backpressure;
    const all = Array.from(durations.subarray(0, count));
    const driftMb = round1((heapAt[heapAt.length - 1] ?? 0) - (heapAt[0] ?? 0));
    const loadMb = round1(Math.max(...heapAt) - baselineMb);
    return {
      id: '7',
      title: 'Overload, Redis frozen',
      fault: `${OVERLOAD_CALLS.toLocaleString('en')} calls kept in flight for ${OVERLOAD_PAUSE_MS / 1000} s against a SIGSTOPped Redis; ${FUNCTION_MS} ms function, L1 off`,
      calls: {
        calls: count,
        errors,
        wrongValues: wrong,
        p50Ms: round1(percentile(all, 50)),
        p99Ms: round1(percentile(all, 99)),
        maxMs: round1(all.reduce((m, d) => Math.max(m, d), 0)),
        maxWaitMs: Number.NaN,
      },
      runs: workload.runs,
      figures: [
        ['live heap: idle → each second of the freeze → after', `${round1(baselineMb)} → ${heapAt.map(round1).join(' / ')} → ${round1(afterMb)} MB`],
        ['peak RSS', `${round1(peakRssMb)} MB`],
        ['backend operations in flight, peak (limit)', `${backpressure?.peakInFlight ?? 'n/a'} (${backpressure?.maxConcurrent ?? 'n/a'})`],
        ['turned away: queue full / queue timeout', `${backpressure?.rejectedQueueFull ?? 0} / ${backpressure?.rejectedQueueTimeout ?? 0}`],
        ['bypassed by the open breaker', String(stats?.failures['breaker-open'] ?? 0)],
        ['last calls returned after the load stopped', `${round1(drainedMs)} ms`],
        ['breaker', monitor.breakerPath],
      ],
      checks: [
        check.eq('caller errors', errors, 0),
        check.eq('wrong values', wrong, 0),
        check.atLeast('calls completed during the freeze', count, OVERLOAD_CALLS),
        check.atMost('backend operations in flight, peak', backpressure?.peakInFlight ?? Number.POSITIVE_INFINITY, backpressure?.maxConcurrent ?? 0),
        check.atMost('live heap drift from the first to the last second (MB)', driftMb, HEAP_DRIFT_LIMIT_MB),
        check.atMost('live heap above idle under load (MB)', loadMb, HEAP_LOAD_LIMIT_MB),
        check.eq('cache used again after SIGCONT (1 = yes)', recovered ? 1 : 0, 1),
      ],
      goals: [],
    };
  } finally {
    await world.close();
  }
}
