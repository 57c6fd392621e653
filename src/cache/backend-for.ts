/**
 * Finds the guarded backend of a cached function, lazily on first use, and shares one
 * `ResilientBackend` (breaker, timeouts, backpressure) per backend, namespace and reliability
 * setting, so every function of one namespace sees the same breaker state.
 */
import type { CacheBackend } from '../backends/types';
import type { ResolvedConfig } from '../config/resolve-options';
import { describe } from '../config/duration';
import { ConfigurationError } from '../errors';
import type { ResolvedReliabilityOptions } from '../reliability/options';
import { ResilientBackend } from '../reliability/resilient-backend';

const BACKEND_METHODS = ['get', 'set', 'delete', 'exists', 'healthCheck'] as const;

/** Whether `value` implements the backend protocol's required methods. */
export function isCacheBackend(value: unknown): value is CacheBackend {
  return (
    typeof value === 'object' &&
    value !== null &&
    BACKEND_METHODS.every((method) => typeof (value as Record<string, unknown>)[method] === 'function')
  );
}

const facades = new WeakMap<CacheBackend, Map<string, ResilientBackend>>();

/** The shared guarded facade of `backend` for one namespace and reliability setting. */
export function guardedBackend(backend: CacheBackend, namespace: string, reliability: ResolvedReliabilityOptions): ResilientBackend {
  let byNamespace = facades.get(backend);
  if (byNamespace === undefined) {
    byNamespace = new Map();
    facades.set(backend, byNamespace);
  }
  const id = `${namespace}\u0000${JSON.stringify(reliability)}`;
  let facade = byNamespace.get(id);
  if (facade === undefined) {
    facade = new ResilientBackend(backend, reliability, { namespace });
    byNamespace.set(id, facade);
  }
  return facade;
}

/** Turns the `backend` option into a lazy resolver (validated now, resolved on first call). */
export function backendResolver(config: ResolvedConfig, reliability: ResolvedReliabilityOptions): () => ResilientBackend | null {
  const option = config.backend;
  if (option === null || option === undefined) return () => null;
  if (!isCacheBackend(option)) {
    throw new ConfigurationError(
      `Option \`backend\` got ${describe(option)}, which does not implement the backend protocol ` +
        '(get, set, delete, exists, healthCheck). Fix: pass a backend instance or null for L1 only.',
    );
  }
  let resolved: ResilientBackend | undefined;
  const namespace = config.namespace ?? 'default';
  return () => (resolved ??= guardedBackend(option, namespace, reliability));
}
