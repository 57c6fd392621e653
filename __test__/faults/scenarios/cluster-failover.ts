/**
 * Scenario 10: Redis Cluster master failover under load. A 3-master cluster with one replica
 * each; 32 callers run against it through a `RedisBackend` on the Cluster; one master is killed
 * (SIGKILL) and the cluster promotes its replica. No caller may fail or get a wrong value; the
 * scenario reports the window during which calls on that master's slots bypassed L2 (from the
 * kill to the last failed L2 read), and asserts that L2 answers again afterwards (the calls go
 * on past the timeline until it does, within a bound: how long a failover takes depends on the
 * machine's load).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cache, RedisBackend } from '../../../src';
import { startRedisCluster } from '../../support/redis-cluster';
import { CallLog, round1, runCallers } from './calls';
import { check, type ScenarioReport } from './report';
import { CountingLogger, sleep, uniqueNamespace } from './setup';
import { Workload, type WorkloadValue } from './workload';

const run = promisify(execFile);
const NODE_TIMEOUT_MS = 1_000;
const FUNCTION_MS = 5;
/** Timeline, ms. Past `afterKillMs`, calls go on until L2 answers again (a loaded machine fails over slower), for `recoveryMaxMs` at most. */
const TIMELINE = { warmMs: 1_500, afterKillMs: 8_000, recoveryMaxMs: 30_000 } as const;

async function roleOf(port: number): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'info', 'replication']);
  return /role:(\w+)/.exec(stdout)?.[1] ?? '';
}

/** Runs scenario 10. */
export async function clusterFailoverScenario(): Promise<ScenarioReport> {
  const cluster = await startRedisCluster(3, { replicasPerMaster: 1, nodeTimeoutMs: NODE_TIMEOUT_MS });
  const backend = new RedisBackend({ cluster: { nodes: cluster.seeds.map((s) => `${s.host}:${s.port}`) } });
  try {
    const workload = new Workload(FUNCTION_MS);
    const cached = cache(workload.fn, {
      backend,
      namespace: uniqueNamespace('failover'),
      name: 'workload',
      ttl: 600,
      l1: false,
      logger: new CountingLogger(),
    }) as unknown as (a: number, b: number) => Promise<WorkloadValue> & { getHealthStatus(): { counters: { l2ReadFailures: number } } };
    const health = () => (cached as unknown as { getHealthStatus(): { counters: { l2ReadFailures: number }; backend: { reliability: { breaker: { opened: number } | null } } | null } }).getHealthStatus();
    const info = () => (cached as unknown as { cacheInfo(): { l2Hits: number } }).cacheInfo();
    const log = new CallLog();
    // Failed L2 reads over time: the window is from the kill to the last one.
    const failures: Array<{ at: number; count: number }> = [];
    const sampler = setInterval(() => failures.push({ at: performance.now(), count: health().counters.l2ReadFailures }), 20);
    // Recovered: an L2 hit since the last failed L2 read (checked only once the timeline ran out).
    let failuresSeen = 0;
    let hitsAtLastFailure = 0;
    const recovered = (): boolean => {
      const failuresNow = health().counters.l2ReadFailures;
      const hitsNow = info().l2Hits;
      if (failuresNow !== failuresSeen) {
        failuresSeen = failuresNow;
        hitsAtLastFailure = hitsNow;
        return false;
      }
      return hitsNow > hitsAtLastFailure;
    };
    const durationMs = TIMELINE.warmMs + TIMELINE.afterKillMs;
    const callers = runCallers(log, workload, cached, {
      callers: 32,
      durationMs,
      itemsPerCaller: 16,
      thinkMs: 2,
      extendUntil: { done: recovered, maxMs: durationMs + TIMELINE.recoveryMaxMs },
    });
    await sleep(TIMELINE.warmMs);
    const roles = await Promise.all(cluster.nodes.map((n) => roleOf(n.port)));
    const victim = cluster.nodes[roles.indexOf('master')]!;
    const killedAt = performance.now();
    const hitsAtKill = info().l2Hits;
    await victim.kill();
    await callers;
    clearInterval(sampler);
    const failuresAtKill = failures.filter((f) => f.at <= killedAt).at(-1)?.count ?? 0;
    const lastIncrease = failures.reduce((last, f, i) => (i > 0 && f.count > failures[i - 1]!.count && f.at > killedAt ? f.at : last), killedAt);
    const bypassed = (failures.at(-1)?.count ?? 0) - failuresAtKill;
    const windowMs = round1(lastIncrease - killedAt);
    const hitsAfterWindow = log.records.filter((r) => r.startedAt > lastIncrease && r.runMs === 0 && !r.failed).length;
    const promoted = (await Promise.all(cluster.nodes.filter((n) => n !== victim).map((n) => roleOf(n.port)))).filter((r) => r === 'master').length;
    const all = log.summary();
    const reliability = (cached as unknown as { getHealthStatus(): { backend: { reliability: { failures: object; errorsByCategory: object } } | null } }).getHealthStatus().backend?.reliability;
    return {
      id: '10',
      title: 'Redis Cluster master failover',
      fault: `3 masters + 3 replicas (cluster-node-timeout ${NODE_TIMEOUT_MS} ms); SIGKILL of one master under 32 callers, ${FUNCTION_MS} ms function, L1 off; its replica is promoted by the cluster`,
      calls: all,
      runs: workload.runs,
      figures: [
        ['window during which calls bypassed L2 (kill → last failed L2 read)', `${windowMs} ms`],
        ['L2 reads that failed meanwhile (answered by the function)', String(bypassed)],
        ['masters after the failover', String(promoted)],
        ['L2 hits after the window', String(hitsAfterWindow)],
        ['L2 hits before the kill', String(hitsAtKill)],
        ['backend failures by reason', JSON.stringify(reliability?.failures ?? {})],
        ['backend errors by category', JSON.stringify(reliability?.errorsByCategory ?? {})],
      ],
      checks: [
        check.eq('caller errors', all.errors, 0),
        check.eq('wrong values', all.wrongValues, 0),
        check.eq('masters after the failover (the replica was promoted)', promoted, 3),
        check.atLeast('calls answered by L2 after the failover', hitsAfterWindow, 1),
      ],
      goals: [],
    };
  } finally {
    await backend.close();
    await cluster.stop();
  }
}
