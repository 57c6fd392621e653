/**
 * Health checks over a set of caches and the guarded backends they use: the process-wide
 * `checkHealth()` (every cache built so far) and each function's `checkHealth()`. Each distinct
 * backend is checked once, live and bounded by its timeout, however many namespaces share it.
 */
import type { BackendHealth, CacheBackend } from '../../backends/types';
import type { Backpressure } from '../../reliability/backpressure';
import type { ResilientBackend } from '../../reliability/resilient-backend';
import type { L1Cache } from '../../l1/l1-cache';
import { isSharedL1 } from '../../cache/l1-tier';
import type { InvalidationBus } from '../../invalidation/bus';
import { observedBackends, observedBuses, observedCaches, type ObservedCache } from '../observed';
import { backendComponent, backpressureComponent, breakerComponent, busComponent, cacheComponent, l1Component } from './components';
import { healthReport, reaches, resolveHealthOptions, type HealthCheckOptions, type HealthComponent, type HealthReport, type ResolvedHealthOptions } from './health-report';

/** What a check looks at. */
interface HealthScope {
  readonly caches: readonly ObservedCache[];
  readonly facades: readonly ResilientBackend[];
  readonly buses: readonly InvalidationBus[];
}

/** `{kind}:{type}`, with `#2`, `#3`… for further instances of one type. */
function namer(kind: string): (type: string) => string {
  const seen = new Map<string, number>();
  return (type) => {
    const n = (seen.get(type) ?? 0) + 1;
    seen.set(type, n);
    return n === 1 ? `${kind}:${type}` : `${kind}:${type}#${n}`;
  };
}

/** Facades grouped by the backend they guard. */
function byBackend(facades: readonly ResilientBackend[]): Map<CacheBackend, ResilientBackend[]> {
  const groups = new Map<CacheBackend, ResilientBackend[]>();
  for (const facade of facades) {
    const group = groups.get(facade.backend);
    if (group === undefined) groups.set(facade.backend, [facade]);
    else group.push(facade);
  }
  return groups;
}

/** Checks `scope`; `started` holds backend checks already under way (the per-function check reuses its own). */
async function checkScope(scope: HealthScope, options: ResolvedHealthOptions, started = new Map<CacheBackend, Promise<BackendHealth>>()): Promise<HealthReport> {
  const startedAt = Date.now();
  const { level } = options;
  const groups = byBackend(scope.facades);
  const backendName = namer('backend');
  const pings = [...groups].map(async ([backend, facades]) => {
    const name = backendName(facades[0]!.backendType);
    const health = await (started.get(backend) ?? facades[0]!.healthCheck());
    return backendComponent(name, health, facades, options);
  });
  // The state of the parts is read now, while the backend checks are on their way: a check
  // that waits for a frozen backend must not report the queue as it is once that wait is over.
  const components: HealthComponent[] = [];
  if (reaches(level, 'basic')) {
    for (const facade of scope.facades) components.push(breakerComponent(facade, level));
    const limits = new Map<Backpressure, string>();
    for (const facade of scope.facades) if (facade.concurrencyLimit !== null) limits.set(facade.concurrencyLimit, facade.backendType);
    const limitName = namer('backpressure');
    for (const [limit, type] of limits) components.push(backpressureComponent(limitName(type), limit.stats()));
    const l1s = new Map<L1Cache, string>();
    for (const cache of scope.caches) if (cache.l1 !== undefined && !l1s.has(cache.l1)) l1s.set(cache.l1, isSharedL1(cache.l1) ? 'l1:shared' : `l1:${cache.label}`);
    for (const [l1, name] of l1s) components.push(l1Component(name, l1));
    for (const bus of scope.buses) components.push(busComponent(bus));
  }
  if (reaches(level, 'full')) for (const cache of scope.caches) components.push(cacheComponent(cache, options, startedAt));
  return healthReport(level, startedAt, [...(await Promise.all(pings)), ...components]);
}

/** Checks in flight per options, so a burst of probes shares one round of backend checks. */
const inFlight = new Map<string, Promise<HealthReport>>();

/**
 * The health of every cache in the process at `options.level` (default `basic`): `healthy`,
 * `degraded` or `unhealthy`, with the reason per component. Never rejects for a backend
 * problem; rejects with a `ConfigurationError` for bad options.
 */
export async function checkHealth(options: HealthCheckOptions = {}): Promise<HealthReport> {
  const resolved = resolveHealthOptions(options);
  const id = JSON.stringify(resolved);
  let pending = inFlight.get(id);
  if (pending === undefined) {
    pending = checkScope({ caches: observedCaches.live(), facades: observedBackends.live(), buses: observedBuses.live() }, resolved).finally(() =>
      inFlight.delete(id),
    );
    inFlight.set(id, pending);
  }
  return pending;
}

/** One function's check: its report, and its backend's own answer (null without a backend). */
export async function checkCacheHealth(
  cache: ObservedCache,
  backend: ResilientBackend | null,
  options: HealthCheckOptions = {},
): Promise<{ report: HealthReport; backendCheck: BackendHealth | null }> {
  const resolved = resolveHealthOptions(options);
  const started = new Map<CacheBackend, Promise<BackendHealth>>();
  const check = backend === null ? null : backend.healthCheck();
  if (backend !== null && check !== null) started.set(backend.backend, check);
  const bus = cache.invalidationBus();
  const scope = { caches: [cache], facades: backend === null ? [] : [backend], buses: bus === null || bus === undefined ? [] : [bus] };
  const report = await checkScope(scope, resolved, started);
  return { report, backendCheck: await check };
}
