/**
 * Scenario 4: Redis out of memory under `noeviction` (maxmemory set below what it already
 * uses). Every write is refused with `OOM command not allowed`, reads keep working. Callers must
 * be unaffected: values already cached keep coming from L2, new ones are computed, and the
 * breaker must not open — a refused write says nothing about the reads.
 */
import { Redis } from 'ioredis';
import { CallLog, runCallers } from './calls';
import { CacheMonitor } from './monitor';
import { check, type ScenarioReport } from './report';
import { createWorld } from './setup';

/** Timeline, ms. */
export const OOM_TIMELINE = { warmMs: 1_000, fullMs: 3_000 } as const;

const FUNCTION_MS = 10;
/** Items each caller has cached before memory runs out; it then also asks for as many new ones. */
const WARM_ITEMS = 8;
const CALLERS = 64;

/** Runs scenario 4. */
export async function outOfMemoryScenario(preset: 'default' | 'production' = 'default'): Promise<ScenarioReport> {
  const world = await createWorld('oom', {
    delayMs: FUNCTION_MS,
    preset,
    cacheOptions: { l1: false },
    redisArgs: ['--maxmemory-policy', 'noeviction'],
  });
  const admin = new Redis(world.server.url);
  world.onClose(() => void admin.disconnect());
  try {
    const { cached, workload } = world;
    // Fill L2 with the items callers will re-read once memory is full. On a loaded machine a
    // write can miss its deadline and be dropped: fill again until every item is there, so a
    // recomputed item below can only mean the cache failed, not the warm-up.
    let stored = 0;
    for (let attempt = 0; attempt < 5 && stored < CALLERS * WARM_ITEMS; attempt++) {
      await Promise.all(Array.from({ length: CALLERS }, (_, a) => Promise.all(Array.from({ length: WARM_ITEMS }, (_, b) => cached(a, b)))));
      await cached.flush();
      stored = await admin.dbsize();
    }
    const warmLog = new CallLog();
    await runCallers(warmLog, workload, cached, { callers: CALLERS, durationMs: OOM_TIMELINE.warmMs, itemsPerCaller: WARM_ITEMS, thinkMs: 2 });

    await admin.config('SET', 'maxmemory', '1');
    const refused = await admin.set('oom-probe', 'x').then(
      () => 'accepted',
      (error: Error) => error.message,
    );
    const countersBefore = { ...cached.getHealthStatus().counters };
    const reliabilityBefore = cached.getHealthStatus().backend?.reliability;
    const getTimeoutsBefore = reliabilityBefore?.timeouts.get?.timeouts ?? 0;
    const timeoutsBefore = reliabilityBefore?.failures.timeout ?? 0;
    const openingsBefore = reliabilityBefore?.breaker?.opened ?? 0;
    const hitsBefore = cached.cacheInfo().l2Hits;
    const log = new CallLog();
    const monitor = new CacheMonitor(cached);
    // Half of each caller's items were cached before; the other half are new and cannot be.
    await runCallers(log, workload, cached, { callers: CALLERS, durationMs: OOM_TIMELINE.fullMs, itemsPerCaller: WARM_ITEMS * 2, thinkMs: 2 });
    await cached.flush();
    monitor.stop();

    const health = cached.getHealthStatus();
    const reliability = health.backend?.reliability;
    const l2Hits = cached.cacheInfo().l2Hits - hitsBefore;
    const droppedWrites = health.counters.l2WriteFailures - countersBefore.l2WriteFailures;
    const readFailures = health.counters.l2ReadFailures - countersBefore.l2ReadFailures;
    const getTimeouts = (reliability?.timeouts.get?.timeouts ?? 0) - getTimeoutsBefore;
    // Any operation's timeouts (a lock attempt, a write) count against the breaker too.
    const timeouts = (reliability?.failures.timeout ?? 0) - timeoutsBefore;
    const breakerOpenings = (reliability?.breaker?.opened ?? 0) - openingsBefore;
    // Items cached before memory ran out must keep coming from L2 (no run, no failure).
    const oldItems = log.records.filter((r) => r.b < WARM_ITEMS);
    const oldServedByL2 = oldItems.filter((r) => r.runMs === 0 && !r.failed).length;
    const oldRecomputed = oldItems.length - oldServedByL2;
    const oldShare = Math.round((oldServedByL2 / Math.max(1, oldItems.length)) * 100);
    const all = log.summary();
    return {
      id: preset === 'default' ? '4' : '4b',
      title: `Redis out of memory${preset === 'default' ? '' : ' (cache.production: with the lock)'}`,
      fault: `maxmemory 1 byte, noeviction, after warm-up (server says: "${refused.slice(0, 40)}…"); 64 callers, ${FUNCTION_MS} ms function, L1 off`,
      calls: all,
      runs: workload.runs,
      figures: [
        ['L2 hits while full', `${l2Hits} of ${log.records.length} calls`],
        ['calls for items cached before: answered by L2', `${oldServedByL2} of ${oldItems.length} (${oldShare} %)`],
        ['writes refused (dropped, counted)', String(droppedWrites)],
        ['reads failed', `${readFailures} (${getTimeouts} timed out)`],
        ['operations timed out (any kind)', String(timeouts)],
        ['errors by category', JSON.stringify(reliability?.errorsByCategory ?? {})],
        ['breaker', monitor.breakerPath],
        ['breaker openings while full', String(breakerOpenings)],
      ],
      checks: [
        check.eq('caller errors', all.errors, 0),
        check.eq('wrong values', all.wrongValues, 0),
        check.eq('Redis refuses writes with OOM (1 = yes)', refused.startsWith('OOM') ? 1 : 0, 1),
        check.atLeast('writes refused and counted', droppedWrites, 1),
        check.atLeast('L2 hits while full (reads keep working)', l2Hits, 1),
        check.atLeast('items in L2 before memory ran out', stored, CALLERS * WARM_ITEMS),
        // Structural, whatever the machine's load: an item cached before is never a miss; it is
        // recomputed only when its read failed (a deadline missed on a loaded machine), and the
        // breaker may open only on such timeouts — a refused write says nothing about reads.
        check.atMost('items cached before that were recomputed (each needs a failed read)', oldRecomputed, readFailures),
        check.eq('breaker openings while no operation timed out', timeouts === 0 ? breakerOpenings : 0, 0),
      ],
      goals: [
        check.atLeast('calls for items cached before answered by L2 (%)', oldShare, 99),
        check.eq('L2 reads failed', readFailures, 0),
        check.eq('breaker openings while full', breakerOpenings, 0),
      ],
    };
  } finally {
    await world.close();
  }
}
