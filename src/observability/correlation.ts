/**
 * Correlation of log records with the request that caused them: an id the app sets for a
 * request (carried on AsyncLocalStorage through every await), and the W3C trace and span ids
 * of the active span when a tracing bridge (`cachekit/otel`) tells cachekit how to read them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ConfigurationError } from '../errors';
import { describeValue } from '../describe-value';

const storage = new AsyncLocalStorage<string>();

/** The W3C ids of the active span (hex), as a tracing bridge reports them. */
export interface ActiveTraceIds {
  readonly traceId: string;
  readonly spanId: string;
}

/** Reads the active span's ids; undefined when no span is active. */
export type TraceIdSource = () => ActiveTraceIds | undefined;

/**
 * Where the reader lives: on `globalThis`, so every copy of cachekit in the process (its ES
 * module and CommonJS builds, the `cachekit/otel` bundle) uses the one the bridge installed.
 */
const TRACE_ID_SOURCE = Symbol.for('cachekit.traceIdSource');
const holder = globalThis as { [TRACE_ID_SOURCE]?: TraceIdSource };

/**
 * Runs `fn` with `id` as the correlation id: every record cachekit logs while it runs (and in
 * everything it awaits) carries `correlationId: id`. Nested calls see the innermost id.
 */
export function runWithCorrelationId<T>(id: string, fn: () => T): T {
  if (typeof id !== 'string' || id === '') {
    throw new ConfigurationError(
      `runWithCorrelationId() needs a non-empty string id; got ${describeValue(id)}. Fix: pass the request's id, e.g. req.headers['x-request-id'].`,
    );
  }
  return storage.run(id, fn);
}

/** The id set by the innermost `runWithCorrelationId()`, or undefined outside one. */
export function currentCorrelationId(): string | undefined {
  return storage.getStore();
}

/**
 * Installs (or, with undefined, removes) the reader of the active span's ids. The OpenTelemetry
 * bridge installs one; cachekit itself does not depend on a tracing API.
 */
export function setTraceIdSource(source: TraceIdSource | undefined): void {
  holder[TRACE_ID_SOURCE] = source;
}

/** `fields` plus the correlation id and the active span's ids, where there are any. */
export function withCorrelation(fields: Record<string, unknown>): Record<string, unknown> {
  const correlationId = storage.getStore();
  const ids = holder[TRACE_ID_SOURCE]?.();
  if (correlationId === undefined && ids === undefined) return fields;
  const out: Record<string, unknown> = { ...fields };
  if (correlationId !== undefined) out.correlationId = correlationId;
  if (ids !== undefined) {
    out.traceId = ids.traceId;
    out.spanId = ids.spanId;
  }
  return out;
}
