/**
 * The OpenTelemetry bridge: turns cachekit's diagnostics_channel tracing channels into spans.
 *
 * Each channel's `start` gets a bound store whose `run` is OpenTelemetry's `context.with`: Node
 * runs the traced operation inside it, so the operation's span is the active span while it runs.
 * That is what nests an L2 read and the function run under their call, spans the wrapped
 * function starts under its `cache.function` span, and what lets the L2 operations run with
 * tracing suppressed: the Redis commands the cache sends then get no span of their own from an
 * ioredis (or any other) instrumentation, since their `cache.l2.*` span already stands for them,
 * and a trace never shows one command twice. The app's own commands are traced as always.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TracingChannel } from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import type { Context, Span, Tracer, TracerProvider } from '@opentelemetry/api';
import { ConfigurationError } from '../errors';
import { setTraceIdSource } from '../observability/correlation';
import { callChannel, functionChannel, l2Channel, lockChannel } from '../observability/tracing-channels';
import { callShape, functionShape, l2Shape, lockShape, type ShapeOptions, type SpanShape } from './span-shapes';

/** Options of `instrumentCachekit()`. */
export interface CachekitInstrumentationOptions {
  /** Where spans go. Default: the global tracer provider (`trace.setGlobalTracerProvider`, `NodeSDK`). */
  tracerProvider?: TracerProvider;
  /** Make spans only inside an active span (a request), as other instrumentations do. Default true. */
  requireParentSpan?: boolean;
  /** Put stored keys on spans (`cache.key`); a key holds the tenant id. Default false. */
  includeKeys?: boolean;
  /**
   * Run L2 operations with tracing suppressed, so the backend client's own instrumentation
   * (ioredis) records no second span for the commands a `cache.l2.*` span stands for. Default
   * true; false keeps those spans, each under the `cache.l2.*` span that sent it.
   */
  suppressBackendSpans?: boolean;
  /** Add the active span's `traceId` and `spanId` to cachekit's log records. Default true. */
  logCorrelation?: boolean;
}

/** The OpenTelemetry API module. */
type OtelApi = typeof import('@opentelemetry/api');

/**
 * The API, loaded when the bridge is installed: it is an optional peer dependency, and every
 * entry of the package shares one bundle, so requiring it at load time would break apps
 * without it.
 */
function otelApi(): OtelApi {
  try {
    return createRequire(import.meta.url)('@opentelemetry/api') as OtelApi;
  } catch (error) {
    throw new ConfigurationError(
      "instrumentCachekit() needs the package '@opentelemetry/api' (an optional peer dependency), which could not be loaded. " +
        'Fix: npm install @opentelemetry/api (the version your OpenTelemetry SDK uses).',
      { cause: error },
    );
  }
}

/**
 * The description of the key OpenTelemetry's SDK reads to suppress tracing (`suppressTracing()`
 * of @opentelemetry/core sets it); written here through the API so the bridge needs the API only.
 */
const SUPPRESS_TRACING_KEY = 'OpenTelemetry SDK Context Key SUPPRESS_TRACING';

const INSTRUMENTATION_NAME = 'cachekit';

/** A diagnostics_channel store that enters an OpenTelemetry context (Node calls its `run`). */
class OtelContextStore extends AsyncLocalStorage<Context> {
  constructor(private readonly api: OtelApi) {
    super();
  }

  override run<R>(ctx: Context, fn: (...args: unknown[]) => R, ...args: unknown[]): R {
    return this.api.context.with(ctx, fn, undefined, ...args);
  }
}

let installed = false;

/** Subscribes one channel; returns what undoes it. */
function bridge<M extends object>(
  api: OtelApi,
  channel: TracingChannel<unknown, M>,
  shape: SpanShape<M>,
  tracer: Tracer,
  options: ShapeOptions & { requireParentSpan: boolean; suppress: boolean },
): () => void {
  const { context, trace, SpanKind, SpanStatusCode } = api;
  const suppressTracing = api.createContextKey(SUPPRESS_TRACING_KEY);
  const spans = new WeakMap<M, Span>();
  const store = new OtelContextStore(api);
  channel.start.bindStore(store as never, (message: M) => {
    const parent = context.active();
    if (options.requireParentSpan && trace.getSpan(parent) === undefined) return parent;
    const span = tracer.startSpan(shape.name(message), { kind: SpanKind.INTERNAL, attributes: shape.startAttributes(message, options) }, parent);
    spans.set(message, span);
    const active = trace.setSpan(parent, span);
    return options.suppress ? active.setValue(suppressTracing, true) : active;
  });
  const handlers = {
    error: (message: M) => {
      const span = spans.get(message);
      const error = (message as { error?: unknown }).error;
      if (span === undefined) return;
      if (error instanceof Error) span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    },
    asyncEnd: (message: M) => {
      const span = spans.get(message);
      if (span === undefined) return;
      spans.delete(message);
      span.setAttributes(shape.endAttributes(message, options));
      if (shape.failed(message) && (message as { error?: unknown }).error === undefined) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
  channel.subscribe(handlers as never);
  return () => {
    channel.start.unbindStore(store as never);
    channel.unsubscribe(handlers as never);
  };
}

/**
 * Starts turning cachekit's operations into OpenTelemetry spans: `cache.call` per call (with
 * `cache.hit`, `cache.outcome`, `cache.tier`), and beneath it `cache.l2.{operation}`,
 * `cache.function` and `cache.lock`. Returns the function that stops it.
 */
export function instrumentCachekit(options: CachekitInstrumentationOptions = {}): () => void {
  if (installed) {
    throw new ConfigurationError('instrumentCachekit() is already installed in this process. Fix: call the function the first call returned before installing it again.');
  }
  const api = otelApi();
  const { context, trace, isSpanContextValid } = api;
  const provider = options.tracerProvider ?? trace.getTracerProvider();
  const tracer = provider.getTracer(INSTRUMENTATION_NAME);
  const shared = { includeKeys: options.includeKeys === true, requireParentSpan: options.requireParentSpan ?? true };
  const stops = [
    bridge(api, callChannel, callShape, tracer, { ...shared, suppress: false }),
    bridge(api, l2Channel, l2Shape, tracer, { ...shared, suppress: options.suppressBackendSpans ?? true }),
    bridge(api, functionChannel, functionShape, tracer, { ...shared, suppress: false }),
    bridge(api, lockChannel, lockShape, tracer, { ...shared, suppress: false }),
  ];
  if (options.logCorrelation ?? true) {
    setTraceIdSource(() => {
      const spanContext = trace.getSpan(context.active())?.spanContext();
      return spanContext !== undefined && isSpanContextValid(spanContext) ? { traceId: spanContext.traceId, spanId: spanContext.spanId } : undefined;
    });
  }
  installed = true;
  return () => {
    if (!installed) return;
    for (const stop of stops) stop();
    if (options.logCorrelation ?? true) setTraceIdSource(undefined);
    installed = false;
  };
}
