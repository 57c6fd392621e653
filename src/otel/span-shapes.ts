/**
 * What each cachekit tracing message becomes as a span: its name and attributes when it starts,
 * and the attributes its outcome adds when it ends. There is no OpenTelemetry semantic
 * convention for caches yet; the names follow the `cache.*` style APMs use (`cache.hit`,
 * `cache.key`), and L2 spans on Redis carry `db.system` so they line up with database spans.
 */
import type { Attributes } from '@opentelemetry/api';
import type { CallMessage, FunctionMessage, L2Message, LockMessage } from '../observability/tracing-channels';

/** Options that change what spans carry. */
export interface ShapeOptions {
  /** Put stored keys on spans (`cache.key`). */
  readonly includeKeys: boolean;
}

/** How one channel's messages map onto spans. */
export interface SpanShape<M> {
  name(message: M): string;
  startAttributes(message: M, options: ShapeOptions): Attributes;
  endAttributes(message: M, options: ShapeOptions): Attributes;
  /** Whether the ended operation failed (the span's status becomes ERROR). */
  failed(message: M): boolean;
}

/** `cache.call`: one call of a cached function. */
export const callShape: SpanShape<CallMessage> = {
  name: () => 'cache.call',
  startAttributes: (m) => ({ 'cache.function': m.cache, 'cache.namespace': m.namespace }),
  // The key is known once the arguments are hashed, after the span started.
  endAttributes: (m, options) => {
    const attributes: Attributes = options.includeKeys && m.key !== undefined ? { 'cache.key': m.key } : {};
    if (m.outcome !== undefined) {
      const hit = m.outcome === 'l1_hit' || m.outcome === 'stale' || m.outcome === 'l2_hit';
      attributes['cache.outcome'] = m.outcome;
      attributes['cache.hit'] = hit;
      if (hit) attributes['cache.tier'] = m.outcome === 'l2_hit' ? 'l2' : 'l1';
    }
    return attributes;
  },
  failed: (m) => m.error !== undefined,
};

/** `cache.l2.{operation}`: one operation on the shared backend. */
export const l2Shape: SpanShape<L2Message> = {
  name: (m) => `cache.l2.${m.operation}`,
  startAttributes: (m, options) => {
    const attributes: Attributes = { 'cache.backend': m.backend, 'cache.namespace': m.namespace, 'cache.operation': m.operation };
    if (m.backend === 'redis') attributes['db.system'] = 'redis';
    if (options.includeKeys && m.key !== undefined) attributes['cache.key'] = m.key;
    return attributes;
  },
  endAttributes: (m) => (m.ok === undefined ? {} : { 'cache.result': m.ok ? 'ok' : (m.reason ?? 'error') }),
  // Only what went wrong with the backend; a refusal (breaker open, overload) is the guard working.
  failed: (m) => m.reason === 'error' || m.reason === 'timeout',
};

/** `cache.function`: one run of the wrapped function. */
export const functionShape: SpanShape<FunctionMessage> = {
  name: () => 'cache.function',
  startAttributes: (m) => ({ 'cache.function': m.cache, 'cache.namespace': m.namespace, 'cache.refresh': m.refresh }),
  endAttributes: () => ({}),
  failed: (m) => m.error !== undefined,
};

/** `cache.lock`: waiting for the distributed stampede lock. */
export const lockShape: SpanShape<LockMessage> = {
  name: () => 'cache.lock',
  startAttributes: (m) => ({ 'cache.function': m.cache, 'cache.namespace': m.namespace, 'cache.backend': m.backend }),
  endAttributes: (m) => (m.outcome === undefined ? {} : { 'cache.lock.outcome': m.outcome }),
  failed: (m) => m.error !== undefined,
};
