/**
 * Builds the function `cache(fn)` returns: the synchronous L1 hit path inline, everything
 * else delegated to the CacheEngine, and the control methods attached.
 */
import type { BackendHealth } from '../backends/types';
import type { ResolvedConfig } from '../config/resolve-options';
import { KeyGenerationError } from '../errors';
import { currentTenant } from '../tenancy/tenant-context';
import { TenantError } from '../tenancy/tenant-option';
import type { LockOptions } from '../reliability/options';
import type { ResilientBackend } from '../reliability/resilient-backend';
import type { ResilientBackendStats } from '../reliability/resilient-backend-events';
import { CacheEngine } from './cache-engine';
import { errorSummary } from '../observability/error-summary';
import { checkCacheHealth } from '../observability/health/health-check';
import type { HealthCheckOptions, HealthReport } from '../observability/health/health-report';
import { observedCaches } from '../observability/observed';
import { callChannel, isTraced, type CallMessage } from '../observability/tracing-channels';
import type { EntryContext, StoredKeyFunction, ValuePipeline } from './ports';
import type { EntryMeta } from './entry-meta';
import { checkTags } from '../tags/tag-names';
import { loadBulk, type BulkLoadParts } from './bulk-load';
import { fromFramedL1, fromLargeSealedL1 } from './framed-l1';
import { l1For } from './l1-tier';
import { L1Template } from '../l1/value-template';
import { CacheStats, type CacheInfo } from './stats';
import { KeyFailure, keyFailureCounter, storedKeyOrFailure, UNCACHED_CALL_MESSAGE } from './key-failures';
import type { BusStats } from '../invalidation/bus';

/**
 * Any function (every function type is assignable to it: `never` parameters accept all); the
 * cached wrapper keeps its parameters and `this` type.
 */
export type AnyFunction = (...args: never[]) => unknown;

/** How the wrapper calls the function it wraps (arguments are forwarded untouched). */
export type UntypedFunction = (this: unknown, ...args: unknown[]) => unknown;

/** Health of one cached function, synchronous snapshot. */
export interface CacheHealthStatus {
  /** False when the backend's breaker is open or the last check failed. */
  healthy: boolean;
  /** `{module}.{name}`. */
  cache: string;
  namespace: string | undefined;
  preset: string;
  /** Whether misses take the distributed stampede lock (when the backend supports locks). */
  distributedLock: boolean;
  l1: { enabled: boolean; entries: number; bytes: number; maxBytes: number } | null;
  backend: { type: string; reliability: ResilientBackendStats } | null;
  /** The invalidation bus this cache announces on and listens to (null: none). */
  invalidation: BusStats | null;
  counters: CacheStats['counters'];
}

/** `checkHealth()`: the snapshot, a live backend check, and the verdict per component at the level asked for. */
export interface CacheHealthReport extends CacheHealthStatus, Omit<HealthReport, 'healthy'> {
  /** Result of the backend's own health check (null for L1-only caches). */
  backendCheck: BackendHealth | null;
}

/** Methods attached to every cached function. */
export interface CacheControls<Args extends readonly unknown[], Result> {
  /** Hit/miss statistics of this function. */
  cacheInfo(): CacheInfo;
  /**
   * Removes every entry of this function from every tier and resets its statistics. In a
   * multi-tenant cache only one tenant's entries are cleared: `tenant`, else the tenant of
   * the surrounding `runWithTenant()`.
   */
  cacheClear(options?: { tenant?: string }): Promise<number>;
  /** Removes exactly the entry the call `fn(...args)` would use (custom key functions honoured). */
  invalidate(...args: Args): Promise<boolean>;
  /**
   * Many calls at once, answered in order: L1 first, one batched L2 read for the rest (`MGET`),
   * the function (or the `loadMany` option, once) for what is still missing, one batched write.
   * Calls of the same keys in flight elsewhere are shared. Rejects with a failing call's error.
   */
  many(argsList: readonly Args[]): Promise<Result[]>;
  /**
   * Invalidates tags: every entry carrying one of them (of any function on this cache's L2)
   * created before now is a miss from now on, in every process. One tenant's tags: `tenant`,
   * else the surrounding `runWithTenant()`'s (single-tenant caches: theirs). Resolves to whether
   * L2 took the stamps (this process honours them either way).
   */
  invalidateTags(tags: readonly string[], options?: { tenant?: string }): Promise<boolean>;
  /** Synchronous health snapshot (no I/O). */
  getHealthStatus(): CacheHealthStatus;
  /**
   * Health snapshot plus a live check of the backend, judged per component (backend, breaker,
   * backpressure, L1, and at level `full` this function's own record): `healthy`, `degraded`
   * or `unhealthy`. Default level `basic`.
   */
  checkHealth(options?: HealthCheckOptions): Promise<CacheHealthReport>;
  /**
   * The same cached function, with `signal` bounding the wait for the cache: once it aborts,
   * the call stops waiting for L2 or a lock and runs the function. It never aborts the
   * function itself.
   */
  withSignal(signal: AbortSignal): (...args: Args) => Promise<Result>;
  /** Resolves when background writes and refreshes started so far have settled. */
  flush(): Promise<void>;
  /** The original function. */
  readonly wrapped: unknown;
}

/** What `cache(fn)` returns: `fn` made asynchronous and cached, plus the control methods. */
export type CachedFunction<F extends AnyFunction> = ((
  this: ThisParameterType<F>,
  ...args: Parameters<F>
) => Promise<Awaited<ReturnType<F>>>) &
  CacheControls<Parameters<F>, Awaited<ReturnType<F>>>;

/** Parts assembled by `assemble.ts` from the keys, codec and reliability layers. */
export interface CachedFunctionParts {
  config: ResolvedConfig;
  /** Call arguments → stored key (tenant prefix included). */
  storedKey: StoredKeyFunction;
  /** Tenant and logical key of a stored key. */
  contextOf: (key: string) => EntryContext;
  /**
   * Stored-key prefixes under which every key of this function lives, for `cacheClear()`;
   * `tenant` is the tenant to clear in a multi-tenant cache (undefined when none is known).
   */
  clearPrefixes: (tenant: string | undefined) => readonly string[];
  /** The tenant whose tags `invalidateTags()` stamps: the one asked for (or of the surrounding `runWithTenant()`); throws `TenantError` when a multi-tenant cache knows none. */
  tagTenant: (tenant: string | undefined) => string;
  /** Encrypted caches: throw on untrustworthy entries instead of missing. */
  failClosed: boolean;
  pipeline: ValuePipeline | undefined;
  backend: () => ResilientBackend | null;
  lock: Readonly<LockOptions>;
}

let nextOwner = 1;

/** Builds the cached function. */
export function createCachedFunction<F extends AnyFunction>(fn: F, parts: CachedFunctionParts): CachedFunction<F> {
  const { config, storedKey } = parts;
  const stats = new CacheStats(`${config.module}.${config.name}`);
  const l1 = config.l1.enabled ? l1For(config.l1) : undefined;
  const engine = new CacheEngine({
    config,
    owner: nextOwner++,
    stats,
    l1,
    pipeline: parts.pipeline,
    backend: parts.backend,
    lock: parts.lock,
    contextOf: parts.contextOf,
    failClosed: parts.failClosed,
  });
  observedCaches.add(engine);
  const reference = engine.reference;
  const tier = engine.l1Tier;
  const target = fn as unknown as UntypedFunction;
  const keyFailed = keyFailureCounter(stats, (error) => engine.log('warn', { err: errorSummary(error) }, UNCACHED_CALL_MESSAGE));

  const uncached = (thisArg: unknown, args: unknown[], failure: KeyFailure): Promise<unknown> => {
    keyFailed(failure);
    return (async () => engine.runFunction(target, thisArg, args, false))();
  };

  /** One call; `trace` is the `cachekit:call` message when the call is traced (see `tracedCall`). */
  const call = (thisArg: unknown, args: unknown[], signal: AbortSignal | undefined, trace: CallMessage | undefined): Promise<unknown> => {
    const now = Date.now();
    stats.lastOperationAt = now;
    const key = storedKeyOrFailure(storedKey, args, thisArg);
    if (key instanceof KeyFailure) {
      // A call without a tenant in a multi-tenant cache is the caller's error, never a reason
      // to run uncached (which would read nothing, but would also hide the bug).
      if (key.error instanceof TenantError) return Promise.reject(key.error);
      if (trace !== undefined) trace.outcome = 'bypassed';
      return uncached(thisArg, args, key);
    }
    if (trace !== undefined) trace.key = key;
    if (tier !== undefined) {
      const entry = tier.l1.get(key, now);
      if (entry !== undefined) {
        // Framed entries (tags, fail-safe) are judged first: one field read for every other cache.
        const meta = entry.meta as EntryMeta | undefined;
        if (meta !== undefined) {
          const verdict = engine.judge(meta, now);
          if (verdict !== 'fresh') return fromFramedL1(engine, entry, verdict, fn, thisArg, args, signal, trace);
          if (meta.failSafe) {
            stats.counters.failSafeHits++;
            if (trace !== undefined) trace.outcome = 'fail_safe';
          }
        }
        stats.l1Hits++;
        const stale = entry.refreshAt <= now;
        if (stale) {
          stats.counters.staleHits++;
          if (!entry.refreshing) engine.runs.refreshInBackground(entry, fn, thisArg, args);
        }
        if (trace !== undefined && trace.outcome === undefined) trace.outcome = stale ? 'stale' : 'l1_hit';
        const stored = entry.value;
        if (reference) return Promise.resolve(stored);
        // The default mode's hit: a copy of the entry's template, which cannot fail.
        if (stored instanceof L1Template) return Promise.resolve(stored.copy());
        if (tier.isLargeSealed(entry)) return fromLargeSealedL1(engine, entry, fn, thisArg, args, signal, stale, trace);
        try {
          return Promise.resolve(tier.valueOf(entry));
        } catch (error) {
          engine.unhitL1(stale);
          try {
            engine.l1DecodeFailed(entry, error);
          } catch (failClosed) {
            return Promise.reject(failClosed);
          }
        }
      }
    }
    return engine.flights.load(key, fn, thisArg, args, signal, trace, undefined);
  };

  /** A call published on `cachekit:call` (only while someone subscribes: the untraced path builds no message). */
  const tracedCall = (thisArg: unknown, args: unknown[], signal: AbortSignal | undefined): Promise<unknown> => {
    const message: CallMessage = { cache: engine.label, namespace: engine.namespace, key: undefined, outcome: undefined };
    return callChannel.tracePromise(() => call(thisArg, args, signal, message), message);
  };

  const cached = function (this: unknown, ...args: unknown[]): Promise<unknown> {
    if (isTraced(callChannel)) return tracedCall(this, args, undefined);
    return call(this, args, undefined, undefined);
  };

  const bulk: BulkLoadParts = { engine, storedKey, fn, single: (thisArg, args) => call(thisArg, args, undefined, undefined) };
  const controls: CacheControls<unknown[], unknown> = {
    cacheInfo: () => {
      const maxsize = l1 === undefined ? null : Number.isFinite(l1.maxEntries) ? l1.maxEntries : l1.maxBytes;
      return stats.info(maxsize, l1 === undefined ? null : l1.countOf(engine.owner));
    },
    cacheClear: async (options?: { tenant?: string }) => engine.clear(parts.clearPrefixes(options?.tenant ?? currentTenant())),
    invalidate: (...args: unknown[]) => {
      let key: string;
      try {
        key = storedKey(args, undefined);
      } catch (error) {
        return Promise.reject(error instanceof KeyGenerationError ? error : new KeyGenerationError(String(error), 'args', 'unknown'));
      }
      return engine.invalidate(key);
    },
    // `this` is the wrapper when called as `fn.many(list)`; anything else (a decorated method's
    // instance, `fn.many.call(instance, list)`) is the `this` of its calls, as for `fn(...)`.
    many(this: unknown, argsList: readonly unknown[][]) {
      return loadBulk(bulk, this === cached ? undefined : this, argsList);
    },
    invalidateTags: async (tags: readonly string[], options?: { tenant?: string }) =>
      engine.invalidateTags(checkTags(tags, '`invalidateTags(tags)`'), parts.tagTenant(options?.tenant ?? currentTenant())),
    getHealthStatus: () => healthStatus(engine),
    checkHealth: async (options?: HealthCheckOptions) => {
      const { report, backendCheck } = await checkCacheHealth(engine, engine.backend(), options);
      return { ...healthStatus(engine), ...report, backendCheck };
    },
    withSignal: (signal: AbortSignal) =>
      function (this: unknown, ...args: unknown[]) {
        if (isTraced(callChannel)) return tracedCall(this, args, signal);
        return call(this, args, signal, undefined);
      },
    flush: () => engine.flush(),
    wrapped: fn,
  };
  return Object.assign(cached, controls) as unknown as CachedFunction<F>;
}

function healthStatus(engine: CacheEngine): CacheHealthStatus {
  const { config, l1 } = engine;
  const backend = engine.backend();
  const reliability = backend?.stats();
  const breakerOpen = backend?.bypassing ?? false;
  const l1Stats = l1?.stats();
  return {
    healthy: !breakerOpen,
    cache: `${config.module}.${config.name}`,
    namespace: config.namespace,
    preset: config.preset,
    distributedLock: engine.lockEnabled,
    l1: l1Stats === undefined ? null : { enabled: true, entries: l1Stats.entries, bytes: l1Stats.bytes, maxBytes: l1Stats.maxBytes },
    backend: backend === null || reliability === undefined ? null : { type: backend.backendType, reliability },
    invalidation: engine.busStats(),
    counters: { ...engine.stats.counters },
  };
}
