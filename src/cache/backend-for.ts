/**
 * Finds the guarded backend of a cached function, lazily on first use, and shares one
 * `ResilientBackend` (breaker, timeouts, backpressure) per backend, namespace and reliability
 * setting, so every function of one namespace sees the same breaker state.
 */
import { environmentBackendSpec, resolveBackend, type BackendOption } from '../backends/resolve';
import type { CacheBackend } from '../backends/types';
import { describeValue } from '../describe-value';
import type { ResolvedConfig } from '../config/resolve-options';
import { ConfigurationError } from '../errors';
import { redisBackendOf } from '../invalidation/redis-backend-of';
import { logBackendStateChanges } from '../observability/backend-state-log';
import { getLogger, type Logger } from '../observability/logger';
import { observedBackends } from '../observability/observed';
import type { ResolvedReliabilityOptions } from '../reliability/options';
import { Backpressure } from '../reliability/backpressure';
import { ResilientBackend } from '../reliability/resilient-backend';

/** Facades of one backend: by namespace + settings, plus the concurrency limit they share. */
interface BackendFacades {
  byNamespace: Map<string, ResilientBackend>;
  /** One in-flight limit per backend (not per namespace), so the backend's load stays bounded. */
  backpressure: Backpressure | undefined;
}

const facades = new WeakMap<CacheBackend, BackendFacades>();

/**
 * The shared guarded facade of `backend` for one namespace and reliability setting. Its changes
 * of state are logged through `logger` (the logger of the cache that first used it), or the
 * process logger.
 */
export function guardedBackend(
  backend: CacheBackend,
  namespace: string,
  reliability: ResolvedReliabilityOptions,
  logger?: Logger,
): ResilientBackend {
  let entry = facades.get(backend);
  if (entry === undefined) {
    entry = { byNamespace: new Map(), backpressure: undefined };
    facades.set(backend, entry);
  }
  const id = `${namespace}\u0000${JSON.stringify(reliability)}`;
  let facade = entry.byNamespace.get(id);
  if (facade === undefined) {
    if (reliability.backpressure !== false) entry.backpressure ??= new Backpressure(reliability.backpressure);
    facade = new ResilientBackend(backend, reliability, {
      namespace,
      ...(reliability.backpressure === false ? {} : { backpressure: entry.backpressure }),
    });
    entry.byNamespace.set(id, facade);
    logBackendStateChanges(facade, () => logger ?? getLogger());
    observedBackends.add(facade);
  }
  return facade;
}

/**
 * Turns the `backend` option into a resolver. An explicit backend or spec is resolved now (a
 * bad spec fails when the wrapper is built); without one, the environment is validated now but
 * resolution waits for the first call, so `setDefaultBackend()` called after the wrappers were
 * defined (at import time) still applies.
 */
export function backendResolver(config: ResolvedConfig, reliability: ResolvedReliabilityOptions): () => ResilientBackend | null {
  const option = config.backend as BackendOption;
  if (option === null) {
    refuseBusWithout(config, 'no L2 (`backend: null`)');
    return () => null;
  }
  const namespace = config.namespace ?? 'default';
  if (option !== undefined) {
    if (typeof option !== 'string' && typeof option !== 'object') {
      throw new ConfigurationError(
        `Option \`backend\` got ${describeValue(option)}. Fix: pass a backend instance, a URL such as 'redis://127.0.0.1:6379', ` +
          "{ redis: … }, { file: … }, { memory: true }, or null for L1 only.",
      );
    }
    const backend = resolveBackend(option);
    if (backend === null) return () => null;
    if (redisBackendOf(backend) === undefined) refuseBusWithout(config, `a ${backend.backendType} backend`);
    const facade = guardedBackend(backend, namespace, reliability, config.logger);
    return () => facade;
  }
  environmentBackendSpec(process.env);
  let resolved: ResilientBackend | null | undefined;
  return () => {
    if (resolved === undefined) {
      const backend = resolveBackend(undefined);
      resolved = backend === null ? null : guardedBackend(backend, namespace, reliability, config.logger);
    }
    return resolved;
  };
}

/** An explicit `invalidation.bus` on a cache whose L2 cannot carry it is a configuration error. */
function refuseBusWithout(config: ResolvedConfig, what: string): void {
  if (config.invalidation.enabled !== true) return;
  throw new ConfigurationError(
    `Option \`invalidation.bus\` needs a Redis L2 (it travels over Redis pub/sub), but this cache has ${what}. ` +
      'Fix: use a Redis backend, or remove `invalidation` (with a file or memory L2 each process keeps its own L1, bounded by its TTL).',
  );
}
