/**
 * Scenario 1: Redis killed (SIGKILL) during a 10 s run of 64 concurrent callers and restarted
 * 5 s later. No caller may fail or get a wrong value; the breaker must open and close again;
 * L2 hits must resume soon after the restart (the issue asks for 2 s).
 */
import { CallLog, round1, runCallers } from './calls';
import { CacheMonitor } from './monitor';
import { check, type ScenarioReport } from './report';
import { createWorld, sleep } from './setup';

/** Timeline, ms from the start of the run. */
export const KILL_TIMELINE = { runMs: 10_000, killAtMs: 1_500, downMs: 5_000 } as const;

/** The bound on the time from the restart to the first L2 hit, ms (a goal, reported). */
export const HITS_RESUME_TARGET_MS = 2_000;

const FUNCTION_MS = 5;

/** Runs scenario 1. */
export async function killRestartScenario(): Promise<ScenarioReport> {
  const world = await createWorld('kill', { delayMs: FUNCTION_MS, cacheOptions: { l1: false } });
  try {
    const { server, cached, workload } = world;
    const log = new CallLog();
    const monitor = new CacheMonitor(cached);
    const { runMs, killAtMs, downMs } = KILL_TIMELINE;
    const started = performance.now();
    let restartedAt = Number.POSITIVE_INFINITY;
    // On a loaded machine the breaker may need longer than the run to close again: the callers
    // keep going until it has (a recovery is asserted; how long it took is a figure).
    const closedAfterRestart = () => monitor.breakerStates.some((s) => s.state === 'closed' && s.at >= restartedAt);
    const run = runCallers(log, workload, cached, {
      callers: 64,
      durationMs: runMs,
      itemsPerCaller: 16,
      thinkMs: 2,
      extendUntil: { done: closedAfterRestart, maxMs: runMs + 30_000 },
    });
    await sleep(killAtMs);
    const killedAt = performance.now();
    await server.kill();
    await sleep(Math.max(0, killedAt + downMs - performance.now()));
    // The restart counts from when the new server answers PING.
    await server.restart();
    restartedAt = performance.now();
    await run;
    monitor.stop();

    const all = log.summary();
    const down = log.summary(log.overlapping(killedAt, restartedAt));
    const firstHit = monitor.firstL2HitAfter(restartedAt);
    const resumeMs = firstHit === undefined ? Number.POSITIVE_INFINITY : Math.round(firstHit - restartedAt);
    const breaker = cached.getHealthStatus().backend?.reliability.breaker;
    const states = monitor.breakerStates.map((s) => s.state);
    // Open at some moment after the kill: it opened then, or it was already open when Redis died
    // (on a loaded machine, timeouts before the kill can open it first; it must then stay open).
    const openAtKill = monitor.breakerStates.filter((s) => s.at <= killedAt).at(-1)?.state === 'open';
    const openedAfterKill = openAtKill || monitor.breakerStates.some((s) => s.state === 'open' && s.at >= killedAt);
    const closedAt = monitor.breakerStates.find((s) => s.state === 'closed' && s.at >= restartedAt)?.at;
    return {
      id: '1',
      title: 'Redis killed and restarted',
      fault: `SIGKILL ${killAtMs / 1000} s into a ${runMs / 1000} s run, restart ${downMs / 1000} s later; 64 callers, ${FUNCTION_MS} ms function, L1 off`,
      calls: all,
      runs: workload.runs,
      figures: [
        ['calls while Redis was down', String(down.calls)],
        ['p99 while down', `${down.p99Ms} ms`],
        ['longest call while down', `${down.maxMs} ms`],
        ['restart took (spawn → PING)', `${round1(restartedAt - killedAt - downMs)} ms`],
        ['first L2 hit after the restart', Number.isFinite(resumeMs) ? `${resumeMs} ms` : 'never'],
        ['breaker', monitor.breakerPath],
        ['breaker openings', String(breaker?.opened ?? 0)],
        ['breaker closed, from the restart', closedAt === undefined ? 'never' : `${Math.round(closedAt - restartedAt)} ms`],
        ['breaker state at the end', states[states.length - 1] ?? 'unknown'],
        ['run started → kill', `${round1(killedAt - started)} ms`],
      ],
      checks: [
        check.eq('caller errors', all.errors, 0),
        check.eq('wrong values', all.wrongValues, 0),
        check.eq('breaker open after the kill (1 = yes)', openedAfterKill ? 1 : 0, 1),
        // Closed again at least once: on a loaded machine timeouts may open it again later, which
        // says nothing about the recovery (the final state is a figure).
        check.eq('breaker closed after the restart (1 = yes)', closedAt !== undefined ? 1 : 0, 1),
        // Structural: the cache went back to Redis before the run ended (it did not give up on it).
        check.eq('L2 used again after the restart (1 = yes)', Number.isFinite(resumeMs) ? 1 : 0, 1),
      ],
      goals: [check.atMost('first L2 hit after the restart', resumeMs, HITS_RESUME_TARGET_MS, ' ms')],
    };
  } finally {
    await world.close();
  }
}
