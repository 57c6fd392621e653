/**
 * The verdict on each part of the cache: a backend (its own check, live), a guarded backend's
 * breaker and reachability, a concurrency limit, an L1, and a cached function's record.
 */
import type { BackendHealth } from '../../backends/types';
import type { InvalidationBus } from '../../invalidation/bus';
import type { BackpressureStats } from '../../reliability/backpressure';
import type { ResilientBackend } from '../../reliability/resilient-backend';
import type { L1Cache } from '../../l1/l1-cache';
import type { ObservedCache } from '../observed';
import { reaches, type HealthComponent, type HealthLevel, type ResolvedHealthOptions } from './health-report';

const MIB = 1024 * 1024;
const percent = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);

/** A backend's own check (PING for Redis), as `ResilientBackend.healthCheck()` answered it for the facades over it. */
export function backendComponent(name: string, health: BackendHealth, facades: readonly ResilientBackend[], options: ResolvedHealthOptions): HealthComponent {
  const details = { ...health.details, backend: health.backendType, namespaces: facades.map((f) => f.namespace), latencyMs: health.latencyMs };
  if (!health.ok) {
    const error = typeof health.details.error === 'string' ? `: ${health.details.error}` : '';
    return { name, kind: 'backend', status: 'unhealthy', message: `${health.backendType} did not answer its health check${error}`, details };
  }
  if (health.latencyMs > options.slowBackendMs) {
    return { name, kind: 'backend', status: 'degraded', message: `${health.backendType} answered in ${health.latencyMs} ms (slower than ${options.slowBackendMs} ms)`, details };
  }
  return { name, kind: 'backend', status: 'healthy', message: `${health.backendType} answered in ${health.latencyMs} ms`, details };
}

/** A guarded backend: its breaker, whether it answers, and at `full` its last failure. */
export function breakerComponent(facade: ResilientBackend, level: HealthLevel): HealthComponent {
  const stats = facade.stats();
  const name = `breaker:${facade.backendType}/${facade.namespace}`;
  const state = stats.breaker?.state ?? 'disabled';
  const details: Record<string, unknown> = {
    state,
    reachable: stats.reachable,
    opened: stats.breaker?.opened ?? 0,
    failures: stats.failures,
    timeoutMs: Object.fromEntries(Object.entries(stats.timeouts).map(([op, t]) => [op, t?.timeoutMs])),
  };
  if (reaches(level, 'full')) details.lastFailure = stats.lastFailure === null ? null : { ...stats.lastFailure, at: new Date(stats.lastFailure.at).toISOString() };
  const last = stats.lastFailure === null ? '' : ` (last failure: ${stats.lastFailure.message})`;
  if (state === 'open') return { name, kind: 'breaker', status: 'unhealthy', message: `circuit breaker open: calls bypass the backend until it recovers${last}`, details };
  if (!stats.reachable) return { name, kind: 'breaker', status: 'unhealthy', message: `backend unreachable: calls run uncached until it answers${last}`, details };
  if (state === 'half-open') return { name, kind: 'breaker', status: 'degraded', message: 'circuit breaker half-open: probing the backend', details };
  return { name, kind: 'breaker', status: 'healthy', message: state === 'disabled' ? 'backend answering (no breaker)' : 'circuit breaker closed', details };
}

/** A concurrency limit: degraded once its queue is more than 80 % full. */
export function backpressureComponent(name: string, stats: BackpressureStats): HealthComponent {
  const details = { ...stats, queueUsagePercent: percent(stats.queued, stats.queueSize) };
  if (!stats.healthy) {
    return {
      name,
      kind: 'backpressure',
      status: 'degraded',
      message: `${stats.queued} of ${stats.queueSize} queue slots taken (${stats.inFlight} in flight): calls beyond the queue skip the cache`,
      details,
    };
  }
  return { name, kind: 'backpressure', status: 'healthy', message: `${stats.inFlight} of ${stats.maxConcurrent} in flight, ${stats.queued} queued`, details };
}

/** An L1: how full it is. A full L1 is normal (it evicts least recently used entries), so it is reported, not judged. */
export function l1Component(name: string, l1: L1Cache): HealthComponent {
  const stats = l1.stats();
  const usage = percent(stats.bytes, stats.maxBytes);
  return {
    name,
    kind: 'l1',
    status: 'healthy',
    message: `${stats.entries} entries, ${(stats.bytes / MIB).toFixed(1)} of ${(stats.maxBytes / MIB).toFixed(1)} MiB (${usage} %)`,
    details: { ...stats, usagePercent: usage },
  };
}

/** An invalidation bus: degraded while its subscriber is down (L1 lifetimes capped) or announcements wait for replay. */
export function busComponent(bus: InvalidationBus): HealthComponent {
  const stats = bus.stats();
  const name = `bus:${bus.channel}`;
  const details = { ...stats, degradedTtlMs: bus.degradedTtlMs };
  if (!stats.connected) {
    return { name, kind: 'bus', status: 'degraded', message: `invalidation subscriber disconnected: L1 entries live at most ${bus.degradedTtlMs} ms until it is back`, details };
  }
  if (stats.queued > 0) return { name, kind: 'bus', status: 'degraded', message: `${stats.queued} announcements waiting to be published again`, details };
  return { name, kind: 'bus', status: 'healthy', message: `connected; ${stats.published} published, ${stats.received} received`, details };
}

/** A cached function's record: degraded while its last logged problem is recent. */
export function cacheComponent(cache: ObservedCache, options: ResolvedHealthOptions, now: number): HealthComponent {
  const stats = cache.stats;
  const problem = stats.lastProblem;
  const details: Record<string, unknown> = {
    namespace: cache.namespace,
    hits: stats.l1Hits + stats.l2Hits,
    l1Hits: stats.l1Hits,
    l2Hits: stats.l2Hits,
    misses: stats.misses,
    counters: { ...stats.counters },
    integrityFailures: { ...stats.integrityReasons },
    lockOutcomes: { ...stats.lockOutcomes },
    lastProblem: problem === null ? null : { at: new Date(problem.at).toISOString(), message: problem.message },
  };
  const name = `cache:${cache.label}`;
  if (problem !== null && now - problem.at <= options.recentProblemMs) {
    return { name, kind: 'cache', status: 'degraded', message: `${Math.round((now - problem.at) / 1000)} s ago: ${problem.message}`, details };
  }
  return { name, kind: 'cache', status: 'healthy', message: problem === null ? 'no problem logged' : 'no problem logged recently', details };
}
