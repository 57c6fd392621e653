/**
 * Scenario 2: Redis frozen (SIGSTOP) for 5 s under 64 concurrent callers, then resumed
 * (SIGCONT). Every call — including those already waiting on Redis when it froze — must end
 * within the cache's bound (one adaptive timeout, ≤ 0.5 s by default) plus the function's own
 * time; none may wait for the freeze to end.
 */
import { CallLog, round1, runCallers } from './calls';
import { CacheMonitor } from './monitor';
import { check, type ScenarioReport } from './report';
import { createWorld, sleep, type Preset } from './setup';

/** Timeline of the scenario, ms. */
export const PAUSE_TIMELINE = { warmupMs: 1_500, pauseMs: 5_000, afterMs: 1_500 } as const;

/** The bound on the extra wait of a call overlapping the pause, ms (a goal, reported). */
export const PAUSE_EXTRA_TARGET_MS = 500;

const FUNCTION_MS = 20;
/** Callers' `a` values are 0–63; the calls caught by the freeze use keys of their own. */
const BURST_KEYS = Array.from({ length: 64 }, (_, i) => 1_000 + i);
const COLD_KEYS = Array.from({ length: 64 }, (_, i) => 2_000 + i);

/** Runs scenario 2 (`production`: with the distributed lock, whose holder awaits its write). */
export async function pauseScenario(preset: Preset = 'default'): Promise<ScenarioReport> {
  const world = await createWorld('pause', { delayMs: FUNCTION_MS, preset, cacheOptions: { l1: false } });
  try {
    const { server, cached, workload } = world;
    const log = new CallLog();
    const monitor = new CacheMonitor(cached);
    const { warmupMs, pauseMs, afterMs } = PAUSE_TIMELINE;
    // Keys the burst at the freeze will ask for, already in L2.
    await Promise.all(BURST_KEYS.map((a) => cached(a, 0)));
    const run = runCallers(log, workload, cached, { callers: 64, durationMs: warmupMs + pauseMs + afterMs, itemsPerCaller: 16, thinkMs: 2 });
    await sleep(warmupMs);
    const timeoutAtPause = cached.getHealthStatus().backend?.reliability.timeouts.get?.timeoutMs ?? Number.NaN;
    // Calls on cold keys, started so their function is running when Redis freezes: their
    // write-back (awaited under the distributed lock) meets the freeze.
    const computing = Promise.all(COLD_KEYS.map((a) => log.record(workload, cached, a, 0)));
    await sleep(FUNCTION_MS / 2);
    // Calls on cached keys that send their GETs on the next tick, after SIGSTOP: they are sent
    // and unanswered, the way calls caught by a freeze are, whatever the scheduler does.
    const reading = Promise.all(BURST_KEYS.map((a) => log.record(workload, cached, a, 0)));
    const pausedAt = performance.now();
    server.pause();
    await sleep(pauseMs);
    const resumedAt = performance.now();
    server.resume();
    await run;
    const readingAtPause = await reading;
    const computingAtPause = (await computing).filter((r) => r.endedAt > pausedAt);
    const inFlightAtPause = [...readingAtPause, ...computingAtPause];
    monitor.stop();

    const overlapping = log.overlapping(pausedAt, resumedAt);
    const during = log.summary(overlapping);
    const inFlight = log.summary(inFlightAtPause);
    const reads = log.summary(readingAtPause);
    const writes = log.summary(computingAtPause);
    const before = log.summary(log.records.filter((r) => r.endedAt < pausedAt));
    const all = log.summary();
    const hitsAfter = monitor.l2HitsBetween(resumedAt, performance.now());
    return {
      id: preset === 'default' ? '2' : '2b',
      title: `Redis paused${preset === 'default' ? '' : ' (cache.production: with the lock)'}`,
      fault: `SIGSTOP for ${pauseMs / 1000} s, then SIGCONT; 64 callers, ${FUNCTION_MS} ms function, L1 off`,
      calls: all,
      runs: workload.runs,
      figures: [
        ['calls overlapping the pause', String(during.calls)],
        ['calls in flight when it froze', String(inFlight.calls)],
        ['adaptive get timeout at the pause', `${round1(timeoutAtPause)} ms`],
        ['longest call overlapping the pause', `${during.maxMs} ms`],
        ['longest extra wait (call − function time)', `${during.maxWaitMs} ms`],
        ['longest extra wait of a call whose GET met the freeze', `${reads.maxWaitMs} ms (${reads.calls} calls)`],
        ['longest extra wait of a call whose write-back met the freeze', `${writes.maxWaitMs} ms (${writes.calls} calls)`],
        ['p99 before the pause', `${before.p99Ms} ms`],
        ['breaker', monitor.breakerPath],
        ['L2 hits after SIGCONT', String(hitsAfter)],
      ],
      checks: [
        check.eq('caller errors', all.errors, 0),
        check.eq('wrong values', all.wrongValues, 0),
        check.atLeast('calls whose GET met the freeze', reads.calls, BURST_KEYS.length),
        check.atLeast('calls whose function was running when Redis froze', writes.calls, 1),
        // Against the freeze itself: no call waited for it to end (a call that did would wait
        // the whole pause); half of it leaves a wide margin for a loaded machine.
        check.atMost('longest extra wait of a call overlapping the pause', during.maxWaitMs, pauseMs / 2, ' ms'),
        check.atLeast('L2 hits after SIGCONT', hitsAfter, 1),
      ],
      goals: [check.atMost('longest extra wait of a call overlapping the pause', during.maxWaitMs, PAUSE_EXTRA_TARGET_MS, ' ms')],
    };
  } finally {
    await world.close();
  }
}
