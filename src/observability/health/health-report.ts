/**
 * The shape of a health answer: a status per component with the reason, and the worst of them
 * overall. `unhealthy` means a part of the cache cannot do its job (its backend is down, the
 * breaker bypasses it); calls are still answered, uncached. `degraded` means it works with a
 * problem worth a look (a slow backend, a filling queue, a problem logged in the last minute).
 */
import { ConfigurationError } from '../../errors';
import { describeValue } from '../../describe-value';

/** How deep a check looks: `ping` asks each backend, `basic` adds the breaker, backpressure, L1 and invalidation bus, `full` adds each cache's own record. */
export type HealthLevel = 'ping' | 'basic' | 'full';

/** One verdict. */
export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

/** What a component is. */
export type HealthComponentKind = 'backend' | 'breaker' | 'backpressure' | 'l1' | 'bus' | 'cache';

/** One part of the cache and its verdict. */
export interface HealthComponent {
  /** `{kind}:{what}`, e.g. `backend:redis`, `breaker:redis/default`, `l1:shared`, `cache:app.getUser`. */
  readonly name: string;
  readonly kind: HealthComponentKind;
  readonly status: HealthStatus;
  /** Why, in one line. */
  readonly message: string;
  /** The figures behind it (never keys or values). */
  readonly details: Record<string, unknown>;
}

/** A health answer. */
export interface HealthReport {
  /** The worst component status (`healthy` without components). */
  readonly status: HealthStatus;
  /** `status !== 'unhealthy'`. */
  readonly healthy: boolean;
  readonly level: HealthLevel;
  /** When the check ran, ISO 8601 UTC. */
  readonly timestamp: string;
  /** How long it took, ms. */
  readonly durationMs: number;
  readonly components: readonly HealthComponent[];
}

/** Options of a health check. */
export interface HealthCheckOptions {
  /** Default `basic`. */
  level?: HealthLevel;
  /** A backend answering its check slower than this (ms) is degraded. Default 100. */
  slowBackendMs?: number;
  /** A problem a cache logged within this many ms makes it degraded at level `full`. Default 60 000. */
  recentProblemMs?: number;
}

/** `HealthCheckOptions` with every default filled in. */
export type ResolvedHealthOptions = Required<HealthCheckOptions>;

const LEVELS: readonly HealthLevel[] = ['ping', 'basic', 'full'];
const RANK: Record<HealthStatus, number> = { healthy: 0, degraded: 1, unhealthy: 2 };

/** Whether `level` includes what `at` checks. */
export const reaches = (level: HealthLevel, at: HealthLevel): boolean => LEVELS.indexOf(level) >= LEVELS.indexOf(at);

/** Validates the options of a health check (a `ConfigurationError` names the bad one). */
export function resolveHealthOptions(options: HealthCheckOptions = {}): ResolvedHealthOptions {
  const level = options.level ?? 'basic';
  if (!LEVELS.includes(level)) {
    throw new ConfigurationError(`Option \`level\` of the health check got ${describeValue(level)}. Fix: pass 'ping', 'basic' or 'full'.`);
  }
  const positive = (name: string, value: unknown, fallback: number): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new ConfigurationError(`Option \`${name}\` of the health check got ${describeValue(value)}. Fix: pass a positive number of milliseconds.`);
    }
    return value;
  };
  return {
    level,
    slowBackendMs: positive('slowBackendMs', options.slowBackendMs, 100),
    recentProblemMs: positive('recentProblemMs', options.recentProblemMs, 60_000),
  };
}

/** The report of `components`, checked at `level` from `startedAt` (epoch ms). */
export function healthReport(level: HealthLevel, startedAt: number, components: readonly HealthComponent[]): HealthReport {
  let status: HealthStatus = 'healthy';
  for (const component of components) if (RANK[component.status] > RANK[status]) status = component.status;
  return {
    status,
    healthy: status !== 'unhealthy',
    level,
    timestamp: new Date(startedAt).toISOString(),
    durationMs: Date.now() - startedAt,
    components,
  };
}
