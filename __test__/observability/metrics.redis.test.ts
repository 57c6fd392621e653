/**
 * `registerMetrics()` against a real prom-client registry, scraped after real traffic through
 * the suite's redis-server (and servers of its own where Redis must fail or saturate): every
 * metric is there with the values the traffic implies, registration is idempotent, and no
 * label carries a key, a tenant or an argument.
 */
import { Registry, register as globalRegistry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { cache, registerMetrics, RedisBackend, runWithTenant } from '../../src';
import { functionKey, tenantScopedKey } from '../../src/keys';
import { startRedisServer } from '../support/redis-server';
import { useRedisAndBackend } from '../support/redis-and-backend';

const MODULE = 'metrics';
const store = useRedisAndBackend();

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  vi.useRealTimers();
  while (cleanup.length > 0) await cleanup.pop()!();
});

let instances = 0;
const unique = (base: string) => `${base}${++instances}_${process.pid}`;

type Scrape = Map<string, MetricObjectWithValues<MetricValue<string>>>;

async function scrape(registry: Registry): Promise<Scrape> {
  const metrics = await registry.getMetricsAsJSON();
  return new Map(metrics.map((m) => [m.name, m as MetricObjectWithValues<MetricValue<string>>]));
}

/** The value of the one sample of `name` whose labels include `labels` (undefined when none). */
function sample(metrics: Scrape, name: string, labels: Record<string, string>): number | undefined {
  const metric = metrics.get(name);
  if (metric === undefined) throw new Error(`metric ${name} not registered; have: ${[...metrics.keys()].join(', ')}`);
  const found = metric.values.filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want));
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value;
}

/** Observations of a histogram, summed over the series whose labels include `labels`. */
function countOf(metrics: Scrape, name: string, labels: Record<string, string>): number | undefined {
  const metric = metrics.get(name);
  const counts = metric?.values.filter(
    (v) => (v as { metricName?: string }).metricName === `${name}_count` && Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
  );
  return counts === undefined || counts.length === 0 ? undefined : counts.reduce((sum, v) => sum + v.value, 0);
}

function freshRegistry(options: Omit<Parameters<typeof registerMetrics>[0] & object, 'registry'> = {}) {
  const registry = new Registry();
  const metrics = registerMetrics({ registry, ...options });
  cleanup.push(() => metrics.unregister());
  return registry;
}

/** An identity function cached without L1 on a RedisBackend of its own, in a namespace of its own. */
function ownBackendCache(url: string, name: string, reliability: Record<string, unknown>) {
  const backend = new RedisBackend({ url });
  cleanup.push(() => backend.close());
  return cache(async (id: number) => id, { backend, l1: false, name, module: MODULE, namespace: name, reliability });
}

describe('registerMetrics: a scrape after real traffic', () => {
  it('counts calls by outcome, function runs, L2 operations, L1 size and integrity failures', async () => {
    const registry = freshRegistry();
    const name = unique('traffic');
    let runs = 0;
    const f = cache(async (id: unknown) => ({ id, run: ++runs }), { backend: store.backend, name, module: MODULE, namespace: 'shop' });
    await f(1); // miss
    await f(1); // L1 hit
    await f(1); // L1 hit
    await f(() => 1); // arguments that form no key: bypassed
    await f.flush();
    // Another process's write read through this process's L2 reader (no L1): an L2 hit.
    const reader = cache(f.wrapped as (id: unknown) => Promise<unknown>, { backend: store.backend, l1: false, name, module: MODULE, namespace: 'shop' });
    await reader(1);
    // A damaged entry: a miss, counted as an integrity failure by reason.
    const damagedKey = tenantScopedKey('default', functionKey({ namespace: 'shop', module: MODULE, name, args: [2] }));
    await store.redis.set(damagedKey, Buffer.from('garbage'));
    await reader(2);
    await reader.flush();
    // The writes' announcements go out with the bus's next gathering of fills (within 5 ms).
    const published = { channel: 'cachekit:l1', direction: 'published' };
    await vi.waitFor(async () => expect(sample(await scrape(registry), 'cachekit_bus_messages_total', published)).toBeGreaterThan(0), { timeout: 2_000 });

    const m = await scrape(registry);
    const fn = { namespace: 'shop', function: `${MODULE}.${name}` };
    expect(sample(m, 'cachekit_calls_total', { ...fn, outcome: 'l1_hit' })).toBe(2);
    expect(sample(m, 'cachekit_calls_total', { ...fn, outcome: 'l2_hit' })).toBe(1);
    expect(sample(m, 'cachekit_calls_total', { ...fn, outcome: 'miss' })).toBe(2);
    expect(sample(m, 'cachekit_calls_total', { ...fn, outcome: 'bypassed' })).toBe(1);
    expect(sample(m, 'cachekit_calls_total', { ...fn, outcome: 'stale' })).toBe(0);
    expect(runs).toBe(3);
    expect(countOf(m, 'cachekit_function_duration_seconds', fn)).toBe(3);
    expect(sample(m, 'cachekit_integrity_failures_total', { ...fn, reason: 'envelope' })).toBe(1);
    expect(sample(m, 'cachekit_cache_errors_total', { ...fn, kind: 'key' })).toBe(1);

    const backend = { backend: 'redis', namespace: 'shop' };
    expect(countOf(m, 'cachekit_l2_operation_duration_seconds', { ...backend, operation: 'get', result: 'ok' })).toBe(3);
    expect(countOf(m, 'cachekit_l2_operation_duration_seconds', { ...backend, operation: 'set', result: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(sample(m, 'cachekit_breaker_state', { ...backend, state: 'closed' })).toBe(1);
    expect(sample(m, 'cachekit_breaker_state', { ...backend, state: 'open' })).toBe(0);
    expect(sample(m, 'cachekit_backend_up', backend)).toBe(1);
    expect(sample(m, 'cachekit_backend_errors_total', { ...backend, category: 'integrity' })).toBe(1);
    expect(sample(m, 'cachekit_backend_failures_total', { ...backend, reason: 'timeout' })).toBe(0);

    expect(sample(m, 'cachekit_l1_entries', fn)).toBe(1);
    // The invalidation bus of the Redis backend announced the writes.
    expect(sample(m, 'cachekit_bus_connected', { channel: 'cachekit:l1' })).toBe(1);
    expect(sample(m, 'cachekit_bus_messages_total', { channel: 'cachekit:l1', direction: 'published' })).toBeGreaterThan(0);
    expect(sample(m, 'cachekit_bus_link_losses_total', { channel: 'cachekit:l1' })).toBe(0);
    expect(sample(m, 'cachekit_l1_bytes', { l1: 'shared' })).toBeGreaterThan(0);
    expect(sample(m, 'cachekit_l1_max_bytes', { l1: 'shared' })).toBeGreaterThanOrEqual(sample(m, 'cachekit_l1_bytes', { l1: 'shared' })!);

    const text = await registry.metrics();
    for (const line of text.split('\n').filter((l) => l.startsWith('# TYPE'))) {
      const [, , metricName, type] = line.split(' ');
      if (type === 'counter') expect(metricName).toMatch(/_total$/);
      if (type === 'histogram') expect(metricName).toMatch(/_seconds$/);
    }
  });

  it('stale values served while a refresh runs are their own outcome', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    const registry = freshRegistry();
    const name = unique('stale');
    let runs = 0;
    const f = cache(async () => ++runs, { backend: null, ttl: 100, l1: { swr: true, swrThreshold: 0.5 }, name, module: MODULE });
    await f();
    vi.setSystemTime(new Date('2026-01-01T00:01:00Z')); // past 0.5 × 100 s ± 10 %
    await Promise.all([f(), f()]);
    await f.flush();
    const m = await scrape(registry);
    const fn = { namespace: 'default', function: `${MODULE}.${name}` };
    expect(sample(m, 'cachekit_calls_total', { ...fn, outcome: 'stale' })).toBe(2);
    expect(sample(m, 'cachekit_calls_total', { ...fn, outcome: 'l1_hit' })).toBe(0);
    expect(sample(m, 'cachekit_swr_refreshes_total', fn)).toBe(1);
    expect(countOf(m, 'cachekit_function_duration_seconds', fn)).toBe(2);
  });

  it('counts distributed-lock outcomes and how long callers waited', async () => {
    const registry = freshRegistry();
    const name = unique('locked');
    const f = cache(async (id: number) => ({ id }), { backend: store.backend, l1: false, name, module: MODULE, reliability: { lock: {} } });
    await f(1);
    await f(2);
    const m = await scrape(registry);
    const fn = { namespace: 'default', function: `${MODULE}.${name}` };
    expect(sample(m, 'cachekit_lock_outcomes_total', { ...fn, outcome: 'acquired' })).toBe(2);
    expect(sample(m, 'cachekit_lock_outcomes_total', { ...fn, outcome: 'wait_timeout' })).toBe(0);
    expect(countOf(m, 'cachekit_lock_wait_seconds', fn)).toBe(2);
  });

  it('backpressure: in-flight and queued gauges, and rejections by reason', async () => {
    const registry = freshRegistry();
    const name = unique('pressed');
    const f = ownBackendCache(inject('redisUrl'), name, { backpressure: { maxConcurrent: 1, queueSize: 1 } });
    // Lock releases of earlier tests go out unawaited on the file's other Redis backend: let them land.
    for (let i = 0; i < 200 && sample(await scrape(registry), 'cachekit_backpressure_in_flight', { backend: 'redis' }) !== 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // All twenty reach the backend in this tick: one in flight, one queued, the rest turned away.
    const calls = Array.from({ length: 20 }, (_, i) => f(i));
    const during = await scrape(registry);
    expect(sample(during, 'cachekit_backpressure_in_flight', { backend: 'redis' })).toBe(1);
    expect(sample(during, 'cachekit_backpressure_queued', { backend: 'redis' })).toBe(1);
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await f.flush();
    const after = await scrape(registry);
    // 18 reads turned away, then the writes of the results computed meanwhile meet the same limit.
    const rejected = sample(after, 'cachekit_backpressure_rejections_total', { backend: 'redis', reason: 'queue_full' })!;
    expect(rejected).toBeGreaterThanOrEqual(18);
    expect(sample(after, 'cachekit_backend_failures_total', { backend: 'redis', namespace: name, reason: 'overload' })).toBe(rejected);
    expect(sample(after, 'cachekit_backpressure_in_flight', { backend: 'redis' })).toBe(0);
  });

  it('a dead Redis: the breaker opens (state gauge and transition counted) and the backend reads down', async () => {
    const registry = freshRegistry();
    const redis = await startRedisServer();
    cleanup.push(() => redis.stop());
    const name = unique('outage');
    const f = ownBackendCache(redis.url, name, { circuitBreaker: { failureThreshold: 3, recoveryTimeoutMs: 60_000 } });
    await f(0);
    await redis.kill();
    for (let i = 1; i <= 10; i++) expect(await f(i)).toBe(i);
    const m = await scrape(registry);
    const labels = { backend: 'redis', namespace: name };
    expect(sample(m, 'cachekit_breaker_state', { ...labels, state: 'open' })).toBe(1);
    expect(sample(m, 'cachekit_breaker_state', { ...labels, state: 'closed' })).toBe(0);
    expect(sample(m, 'cachekit_breaker_transitions_total', { ...labels, to: 'open' })).toBe(1);
    expect(sample(m, 'cachekit_backend_up', labels)).toBe(0);
    expect(sample(m, 'cachekit_backend_failures_total', { ...labels, reason: 'breaker_open' })).toBeGreaterThan(0);
    const fn = { namespace: name, function: `${MODULE}.${name}` };
    // Calls that ran the function because the backend could not answer are bypassed, not misses.
    expect(sample(m, 'cachekit_calls_total', { ...fn, outcome: 'bypassed' })).toBe(10);
    expect(sample(m, 'cachekit_calls_total', { ...fn, outcome: 'miss' })).toBe(1);
  });
});

describe('registerMetrics: registration and labels', () => {
  it('is idempotent: a second call, and many wrapped functions, never throw "already registered"', async () => {
    const registry = new Registry();
    const first = registerMetrics({ registry });
    cleanup.push(() => first.unregister());
    expect(registerMetrics({ registry })).toBe(first);
    for (let i = 0; i < 25; i++) await cache(async (n: number) => n, { backend: null, name: unique('many'), module: MODULE })(i);
    const m = await scrape(registry);
    expect([...m.keys()].sort()).toEqual([...first.names].sort());
    expect(first.names.every((n) => n.startsWith('cachekit_'))).toBe(true);
  });

  it('uses prom-client’s default registry when none is given, under a chosen prefix', async () => {
    const metrics = registerMetrics({ prefix: 'myapp_cache_' });
    cleanup.push(() => metrics.unregister());
    const f = cache(async (n: number) => n, { backend: null, name: unique('global'), module: MODULE });
    await f(1);
    const text = await globalRegistry.metrics();
    expect(text).toContain('myapp_cache_calls_total');
    metrics.unregister();
    expect(await globalRegistry.metrics()).not.toContain('myapp_cache_');
  });

  it('no label value is a key, a tenant or an argument', async () => {
    const registry = freshRegistry();
    const name = unique('tenants');
    const f = cache(async (secretArg: string) => secretArg.length, {
      backend: store.backend,
      name,
      module: MODULE,
      tenant: 'context',
    });
    await runWithTenant('tenant-alpha-7', () => f('argument-value-9'));
    await runWithTenant('tenant-beta-8', () => f('argument-value-9'));
    await f.flush();
    const text = await registry.metrics();
    expect(text).not.toMatch(/tenant-alpha|tenant-beta|argument-value|args:|func:/);
    expect(text).toContain(`function="${MODULE}.${name}"`);
  });

  it('functionLabel: false drops the function label and sums over functions', async () => {
    const registry = freshRegistry({ functionLabel: false });
    const namespace = unique('ns');
    for (const base of ['a', 'b']) {
      const f = cache(async (n: number) => n, { backend: null, name: unique(base), module: MODULE, namespace });
      await f(1);
      await f(1);
    }
    const m = await scrape(registry);
    expect(sample(m, 'cachekit_calls_total', { namespace, outcome: 'l1_hit' })).toBe(2);
    expect(sample(m, 'cachekit_calls_total', { namespace, outcome: 'miss' })).toBe(2);
    expect(m.get('cachekit_calls_total')!.values.some((v) => 'function' in v.labels)).toBe(false);
  });

  it('cacheClear() does not make a counter go backwards', async () => {
    const registry = freshRegistry();
    const name = unique('cleared');
    const f = cache(async (n: number) => n, { backend: null, name, module: MODULE });
    await f(1);
    await f(1);
    await f.cacheClear();
    expect(f.cacheInfo().hits).toBe(0);
    await f(1);
    const m = await scrape(registry);
    const fn = { namespace: 'default', function: `${MODULE}.${name}` };
    expect(sample(m, 'cachekit_calls_total', { ...fn, outcome: 'l1_hit' })).toBe(1);
    expect(sample(m, 'cachekit_calls_total', { ...fn, outcome: 'miss' })).toBe(2);
  });
});
