/**
 * Stale-while-revalidate and TTL refresh on get under Redis faults: with both switched on and a
 * short TTL (so background refreshes and TTL refreshes happen all the time), freezing or killing
 * Redis must not produce an error, a wrong value, or a call that waits for the fault; after the
 * fault, refreshes resume.
 */
import { describe, expect, it } from 'vitest';
import { isCorrect } from './scenarios/workload';
import { cache } from '../../src';
import { createWorld, sleep } from './scenarios/setup';

const CALLERS = 16;
const KEYS_PER_CALLER = 4;
/** How long Redis stays frozen or down, ms. */
const FAULT_MS = 2_000;
/**
 * A call's bound, against the fault itself: no call waited for the fault to end. Half of it
 * leaves a wide margin over one adaptive timeout (≤ 500 ms) on a loaded machine.
 */
const CALL_LIMIT_MS = FAULT_MS / 2;

async function runUnderFault(fault: 'pause' | 'kill') {
  // One cache refreshes through SWR (L1 on), the other refreshes L2 TTLs on every read (L1 off).
  const world = await createWorld(`swr-${fault}`, { delayMs: 5, cacheOptions: { ttl: 2, l1: { swr: true, swrThreshold: 0.25 } } });
  const { server, cached: swrCached } = world;
  const ttlCached = cache(world.workload.fn, {
    backend: world.backend,
    namespace: `${world.namespace}-ttl`,
    name: 'workload',
    ttl: 2,
    l1: false,
    refreshTtlOnGet: { threshold: 0.9 },
    logger: world.logger,
  });
  let errors = 0;
  let wrong = 0;
  let calls = 0;
  let slowest = 0;
  let stop = false;
  const callers = Array.from({ length: CALLERS }, async (_, caller) => {
    const cached = caller % 2 === 0 ? swrCached : ttlCached;
    while (!stop) {
      for (let k = 0; k < KEYS_PER_CALLER && !stop; k++) {
        const started = performance.now();
        try {
          const value = await cached(caller, k);
          if (!isCorrect(value, caller, k)) wrong++;
        } catch {
          errors++;
        }
        slowest = Math.max(slowest, performance.now() - started);
        calls++;
      }
      await sleep(5);
    }
  });
  try {
    await sleep(1_200); // past ttl × swrThreshold: refreshes and TTL refreshes are under way
    const refreshesBefore = swrCached.getHealthStatus().counters.swrRefreshes;
    if (fault === 'pause') server.pause();
    else await server.kill();
    await sleep(FAULT_MS);
    if (fault === 'pause') server.resume();
    else await server.restart();
    await sleep(2_500);
    stop = true;
    await Promise.all(callers);
    await Promise.all([swrCached.flush(), ttlCached.flush()]);
    const ttlRefreshes = ttlCached.getHealthStatus().backend?.reliability.timeouts.refreshTtl?.samples ?? 0;
    return { errors, wrong, calls, slowest, refreshesBefore, refreshesAfter: swrCached.getHealthStatus().counters.swrRefreshes, ttlRefreshes };
  } finally {
    stop = true;
    await world.close();
  }
}

describe('SWR and refreshTtlOnGet under Redis faults', () => {
  it.each(['pause', 'kill'] as const)('Redis %s: no errors, no wrong values, no call waits for the fault, refreshes resume', async (fault) => {
    const result = await runUnderFault(fault);
    expect(result.errors).toBe(0);
    expect(result.wrong).toBe(0);
    expect(result.calls).toBeGreaterThan(1_000);
    expect(result.slowest).toBeLessThan(CALL_LIMIT_MS);
    expect(result.refreshesBefore).toBeGreaterThan(0);
    expect(result.refreshesAfter).toBeGreaterThan(result.refreshesBefore);
    expect(result.ttlRefreshes).toBeGreaterThan(0); // TTL refreshes on get reached Redis
  }, 30_000);
});
