/**
 * Scenario 3: Redis becomes slow — a proxy in front of it starts delaying every reply — while
 * 64 callers keep calling. The adaptive timeout must follow the new latency (so a slow but
 * working Redis keeps serving hits instead of timing out forever) and settle; the scenario
 * reports the timeout it settled at.
 */
import { startLatencyProxy, type LatencyProxy } from '../support/children';
import { CallLog, round1, runCallers } from './calls';
import { CacheMonitor } from './monitor';
import { check, type ScenarioReport } from './report';
import { createWorld, sleep } from './setup';

/** Added reply latency, ms. */
export const SLOW_LATENCY_MS = 40;
/** Timeline, ms: fast phase, then slow phase (the last `settledMs` of it are measured). */
export const SLOW_TIMELINE = { fastMs: 1_500, slowMs: 5_000, settledMs: 2_000 } as const;

const FUNCTION_MS = 200;

/** Runs scenario 3. */
export async function slowScenario(): Promise<ScenarioReport> {
  let proxy: LatencyProxy | undefined;
  const world = await createWorld('slow', {
    delayMs: FUNCTION_MS,
    cacheOptions: { l1: false },
    url: async (server) => {
      proxy = await startLatencyProxy(server.port, 0);
      return proxy.url;
    },
  });
  const latencyProxy = proxy as unknown as LatencyProxy;
  world.onClose(() => latencyProxy.stop());
  try {
    const { cached, workload } = world;
    const log = new CallLog();
    const monitor = new CacheMonitor(cached);
    const { fastMs, slowMs, settledMs } = SLOW_TIMELINE;
    const timeoutNow = () => cached.getHealthStatus().backend?.reliability.timeouts.get?.timeoutMs ?? Number.NaN;
    const timeoutsSoFar = () => cached.getHealthStatus().backend?.reliability.timeouts.get?.timeouts ?? 0;
    const run = runCallers(log, workload, cached, { callers: 64, durationMs: fastMs + slowMs, itemsPerCaller: 8, thinkMs: 5 });
    await sleep(fastMs);
    const fastTimeout = timeoutNow();
    const slowFrom = performance.now();
    latencyProxy.setDelay(SLOW_LATENCY_MS);
    const samples: Array<{ at: number; timeoutMs: number }> = [];
    while (performance.now() < slowFrom + slowMs - 100) {
      await sleep(100);
      samples.push({ at: performance.now(), timeoutMs: timeoutNow() });
    }
    const settledFrom = slowFrom + slowMs - settledMs;
    const timeoutsBeforeSettled = timeoutsSoFar();
    const settled = samples.filter((s) => s.at >= settledFrom).map((s) => s.timeoutMs);
    await run;
    monitor.stop();
    const timeoutsWhileSettled = timeoutsSoFar() - timeoutsBeforeSettled;
    const settledMin = Math.min(...settled);
    const settledMax = Math.max(...settled);
    const firstAdapted = samples.find((s) => s.timeoutMs >= SLOW_LATENCY_MS);
    const settledRecords = log.records.filter((r) => r.startedAt >= settledFrom);
    const settledCalls = log.summary(settledRecords);
    // Each caller has its own keys, so a call that did not run the function was an L2 hit.
    const settledHits = settledRecords.filter((r) => r.runMs === 0 && !r.failed).length;
    const hitShare = Math.round((settledHits / Math.max(1, settledRecords.length)) * 100);
    const observedP95 = cached.getHealthStatus().backend?.reliability.timeouts.get?.percentileMs ?? Number.NaN;
    const all = log.summary();
    return {
      id: '3',
      title: 'Redis slow',
      fault: `proxy adds ${SLOW_LATENCY_MS} ms to every reply after ${fastMs / 1000} s; 64 callers, ${FUNCTION_MS} ms function, L1 off`,
      calls: all,
      runs: workload.runs,
      figures: [
        ['adaptive get timeout, fast phase', `${round1(fastTimeout)} ms`],
        ['adaptive get timeout, settled (last 2 s)', `${round1(settledMin)}–${round1(settledMax)} ms`],
        ['adapted (timeout ≥ latency) after', firstAdapted === undefined ? 'never' : `${Math.round(firstAdapted.at - slowFrom)} ms`],
        ['observed p95 latency of get at the end', `${round1(observedP95)} ms`],
        ['timeouts while settled', `${timeoutsWhileSettled} of ${settledCalls.calls} calls`],
        ['L2 hits while settled', `${settledHits} of ${settledCalls.calls} calls (${hitShare} %)`],
        ['p50 while settled', `${settledCalls.p50Ms} ms`],
        ['breaker', monitor.breakerPath],
      ],
      checks: [
        check.eq('caller errors', all.errors, 0),
        check.eq('wrong values', all.wrongValues, 0),
        // Structural: the timeout followed the slower Redis (it never undercuts the added
        // latency), so most calls are still answered by it instead of timing out forever.
        check.atLeast('settled timeout (ms) covers the added latency', round1(settledMin), SLOW_LATENCY_MS),
        check.atLeast('settled calls answered by L2 (%)', hitShare, 50),
      ],
      goals: [
        check.atMost('settled timeout spread (max/min, %)', Math.round((settledMax / settledMin) * 100), 125),
        check.atMost('timeouts while settled (% of calls)', Math.round((timeoutsWhileSettled / Math.max(1, settledCalls.calls)) * 100), 5),
        check.atLeast('settled calls answered by L2 (%)', hitShare, 80),
      ],
    };
  } finally {
    await world.close();
  }
}
