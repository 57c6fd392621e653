/**
 * `cache.local`: an in-process cache of live values (clients, models, anything that cannot be
 * serialized). A synchronous function stays synchronous; an asynchronous one shares its
 * in-flight promise, and a rejected promise is never kept.
 */
import type { ResolvedConfig } from '../config/resolve-options';
import { KeyGenerationError } from '../errors';
import { getLogger, writeLog } from '../observability/logger';
import { observedCaches, type ObservedCache } from '../observability/observed';
import { checkCacheHealth } from '../observability/health/health-check';
import type { HealthCheckOptions } from '../observability/health/health-report';
import type { AnyFunction, CacheHealthReport, CacheHealthStatus, UntypedFunction } from './cached-function';
import type { StoredKeyFunction } from './ports';
import { l1For } from './l1-tier';
import { CacheStats, type CacheInfo } from './stats';
import { KeyFailure, keyFailureCounter, storedKeyOrFailure, UNCACHED_CALL_MESSAGE } from './key-failures';

/** Methods attached to a `cache.local` function. */
export interface LocalCacheControls<Args extends readonly unknown[]> {
  /** Hit/miss statistics. */
  cacheInfo(): CacheInfo;
  /** Removes every entry of this function. */
  cacheClear(): Promise<number>;
  /** Removes the entry of exactly this call. */
  invalidate(...args: Args): Promise<boolean>;
  /** Health snapshot. */
  getHealthStatus(): CacheHealthStatus;
  /** The snapshot, judged per component (its L1, and at level `full` its own record); there is no backend to check. */
  checkHealth(options?: HealthCheckOptions): Promise<CacheHealthReport>;
  /** The original function. */
  readonly wrapped: unknown;
}

/** What `cache.local(fn)` returns: `fn` with the same signature (sync stays sync), cached. */
export type LocalCachedFunction<F extends AnyFunction> = F & LocalCacheControls<Parameters<F>>;

let nextOwner = 1_000_000;

const isPromise = (value: unknown): value is Promise<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as Promise<unknown>).then === 'function';

/** Builds a `cache.local` function. */
export function createLocalFunction<F extends AnyFunction>(
  fn: F,
  config: ResolvedConfig,
  storedKey: StoredKeyFunction,
): LocalCachedFunction<F> {
  const stats = new CacheStats(`${config.module}.${config.name}`);
  const l1 = l1For(config.l1);
  const owner = nextOwner++;
  const ttlMs = config.ttlSeconds === 0 ? Number.POSITIVE_INFINITY : config.ttlSeconds * 1000;
  const keyFailed = keyFailureCounter(stats, (error) =>
    writeLog(config.logger ?? getLogger(), 'warn', { cache: `${config.module}.${config.name}`, err: String(error) }, UNCACHED_CALL_MESSAGE),
  );
  const target = fn as unknown as UntypedFunction;
  const observed: ObservedCache = {
    label: `${config.module}.${config.name}`,
    namespace: config.namespace ?? 'default',
    stats,
    l1,
    owner,
    resolvedBackend: () => null,
    invalidationBus: () => null,
  };

  const cached = function (this: unknown, ...args: unknown[]): unknown {
    const now = Date.now();
    stats.lastOperationAt = now;
    const key = storedKeyOrFailure(storedKey, args, this);
    if (key instanceof KeyFailure) {
      keyFailed(key);
      return target.apply(this, args);
    }
    const entry = l1.get(key, now);
    if (entry !== undefined) {
      stats.l1Hits++;
      return entry.value;
    }
    stats.misses++;
    const value = target.apply(this, args);
    const stored = l1.set(key, value, 0, ttlMs, owner);
    if (stored !== undefined && isPromise(value)) {
      // A rejected promise must not be served to later callers.
      value.then(undefined, () => {
        if (l1.peek(key) === stored) l1.delete(key);
      });
    }
    return value;
  };

  const status = (): CacheHealthStatus => {
    const s = l1.stats();
    return {
      healthy: true,
      cache: `${config.module}.${config.name}`,
      namespace: config.namespace,
      preset: config.preset,
      distributedLock: false,
      l1: { enabled: true, entries: s.entries, bytes: s.bytes, maxBytes: s.maxBytes },
      backend: null,
      invalidation: null,
      counters: { ...stats.counters },
    };
  };

  const controls: LocalCacheControls<unknown[]> = {
    cacheInfo: () =>
      stats.info(Number.isFinite(l1.maxEntries) ? l1.maxEntries : l1.maxBytes, l1.countOf(owner)),
    cacheClear: async () => {
      const removed = l1.deleteOwner(owner);
      stats.reset();
      return removed;
    },
    invalidate: async (...args: unknown[]) => {
      try {
        return l1.delete(storedKey(args, undefined));
      } catch (error) {
        throw error instanceof KeyGenerationError ? error : new KeyGenerationError(String(error), 'args', 'unknown');
      }
    },
    getHealthStatus: status,
    checkHealth: async (options?: HealthCheckOptions) => ({ ...status(), ...(await checkCacheHealth(observed, null, options)).report, backendCheck: null }),
    wrapped: fn,
  };
  const local = Object.assign(cached, controls);
  observedCaches.addOwnedBy(local, observed);
  return local as unknown as LocalCachedFunction<F>;
}
