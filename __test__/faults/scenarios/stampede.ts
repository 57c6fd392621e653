/**
 * Scenario 6: stampede on one cold key.
 *  6a — 1,000 concurrent calls in one process: the function runs once (single-flight).
 *  6b — 4 processes × 250 concurrent calls released together, `cache.production` (distributed
 *       lock): the function runs once in total, and the whole burst ends within 1.5 × the
 *       function's own time.
 */
import { DEFAULT_LOCK } from '../../../src/reliability/options';
import { startChild, type ChildScript } from '../support/children';
import { CallLog, round1 } from './calls';
import { check, type ScenarioReport } from './report';
import { createWorld, uniqueNamespace } from './setup';

/** The function's own time, ms. */
export const STAMPEDE_FUNCTION_MS = 50;
/** The bound on the burst's wall time, as a multiple of the function's time (a goal, reported). */
export const STAMPEDE_WALL_TARGET = 1.5;
/**
 * Asserted bound on the one-process burst: far above any coalesced run (measured 1.1–1.6×),
 * far below calls run one after another (1,000×) or each on its own (a 1,000-run pile-up).
 */
export const STAMPEDE_IN_PROCESS_WALL_LIMIT = 10;

/** Runs 6a. */
export async function stampedeInProcessScenario(): Promise<ScenarioReport> {
  const world = await createWorld('stampede', { delayMs: STAMPEDE_FUNCTION_MS, cacheOptions: { l1: false } });
  try {
    const { cached, workload } = world;
    // Connect first: the burst measures coalescing, not the TCP handshake.
    await cached.checkHealth();
    const log = new CallLog();
    const started = performance.now();
    await Promise.all(Array.from({ length: 1_000 }, () => log.record(workload, cached, 7, 7)));
    const wallMs = performance.now() - started;
    const all = log.summary();
    const ratio = round1(wallMs / STAMPEDE_FUNCTION_MS);
    return {
      id: '6a',
      title: 'Stampede, one process',
      fault: `1,000 concurrent calls of a ${STAMPEDE_FUNCTION_MS} ms function on one cold key (cache(), Redis L2)`,
      calls: all,
      runs: workload.runs,
      figures: [
        ['wall time of the burst', `${round1(wallMs)} ms (${ratio} × the function)`],
        ['calls that joined the run in flight', String(cached.getHealthStatus().counters.coalesced)],
      ],
      checks: [
        check.eq('caller errors', all.errors, 0),
        check.eq('wrong values', all.wrongValues, 0),
        check.eq('function runs', workload.runs, 1),
        check.atMost('wall time / function time', ratio, STAMPEDE_IN_PROCESS_WALL_LIMIT, '×'),
      ],
      goals: [check.atMost('wall time / function time', ratio, STAMPEDE_WALL_TARGET, '×')],
    };
  } finally {
    await world.close();
  }
}

interface PeerReport {
  pid: number;
  runs: number;
  startedAt: number;
  endedAt: number;
  summary: ReturnType<CallLog['summary']>;
  l2Hits: number;
}

const PROCESSES = 4;
/** How long a lock waiter waits at most (the peers use `cache.production`'s default), ms. */
const LOCK_WAIT_TIMEOUT_MS = DEFAULT_LOCK.waitTimeoutMs;
const CALLS_PER_PROCESS = 250;

/** Runs 6b. */
export async function stampedeAcrossProcessesScenario(): Promise<ScenarioReport> {
  // The peers bring their own cache; this world only provides the server.
  const world = await createWorld('stampede-procs', { delayMs: 0 });
  const peers: ChildScript[] = [];
  try {
    const namespace = uniqueNamespace('stampede-procs');
    for (let i = 0; i < PROCESSES; i++) {
      peers.push(startChild('stampede-peer.ts', [world.server.url, namespace, String(CALLS_PER_PROCESS), String(STAMPEDE_FUNCTION_MS)]));
    }
    await Promise.all(peers.map((p) => p.line((l) => l === 'ready')));
    // Release every process at once.
    for (const peer of peers) peer.child.stdin.end('go\n');
    const reports = await Promise.all(
      peers.map(async (peer) => JSON.parse(await peer.line((l) => l.startsWith('{'))) as PeerReport),
    );
    const codes = await Promise.all(peers.map((p) => p.exited));
    const runs = reports.reduce((sum, r) => sum + r.runs, 0);
    const firstStart = Math.min(...reports.map((r) => r.startedAt));
    const wallMs = Math.max(...reports.map((r) => r.endedAt)) - firstStart;
    const releaseSkewMs = Math.max(...reports.map((r) => r.startedAt)) - Math.min(...reports.map((r) => r.startedAt));
    const calls = reports.reduce(
      (total, r) => ({
        calls: total.calls + r.summary.calls,
        errors: total.errors + r.summary.errors,
        wrongValues: total.wrongValues + r.summary.wrongValues,
        p50Ms: Math.max(total.p50Ms, r.summary.p50Ms),
        p99Ms: Math.max(total.p99Ms, r.summary.p99Ms),
        maxMs: Math.max(total.maxMs, r.summary.maxMs),
        maxWaitMs: Math.max(total.maxWaitMs, r.summary.maxWaitMs),
      }),
      { calls: 0, errors: 0, wrongValues: 0, p50Ms: 0, p99Ms: 0, maxMs: 0, maxWaitMs: 0 },
    );
    const ratio = round1(wallMs / STAMPEDE_FUNCTION_MS);
    return {
      id: '6b',
      title: 'Stampede, 4 processes',
      fault: `${PROCESSES} processes × ${CALLS_PER_PROCESS} concurrent calls of a ${STAMPEDE_FUNCTION_MS} ms function on one cold key, released together (cache.production, distributed lock)`,
      calls,
      runs,
      figures: [
        ['wall time, first start → last answer', `${round1(wallMs)} ms (${ratio} × the function)`],
        ['release skew between processes', `${round1(releaseSkewMs)} ms`],
        ['runs per process', reports.map((r) => r.runs).join(' / ')],
        [
          'last answer per process, from the first start (* = ran the function)',
          reports.map((r) => `${round1(r.endedAt - firstStart)}${r.runs > 0 ? '*' : ''}`).join(' / ') + ' ms',
        ],
        ['p50 / p99: slowest process', `${calls.p50Ms} / ${calls.p99Ms} ms`],
        ['processes exited cleanly', `${codes.filter((c) => c === 0).length} of ${PROCESSES}`],
      ],
      checks: [
        check.eq('caller errors', calls.errors, 0),
        check.eq('wrong values', calls.wrongValues, 0),
        check.eq('function runs in total', runs, 1),
        check.eq('processes that exited with 0', codes.filter((c) => c === 0).length, PROCESSES),
        // Against the lock's own wait bound: the waiters were answered by the value landing, not
        // released by their wait timeout (half of it leaves a wide margin for a loaded machine).
        check.atMost('wall time (ms)', round1(wallMs), LOCK_WAIT_TIMEOUT_MS / 2, ' ms'),
      ],
      goals: [check.atMost('wall time / function time', ratio, STAMPEDE_WALL_TARGET, '×')],
    };
  } finally {
    for (const peer of peers) if (peer.child.exitCode === null) peer.child.kill('SIGKILL');
    await world.close();
  }
}
