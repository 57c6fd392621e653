/**
 * The histograms: durations can only be observed as they happen. Each listens where the
 * observation costs nothing unless metrics are registered: a guarded backend's `operation`
 * event (emitted only while someone listens), and the `cachekit:function` and `cachekit:lock`
 * tracing channels (traced only while someone subscribes). The L1 hit path has no histogram.
 * The clock is the global `performance`, which Node loads on first use (importing
 * node:perf_hooks would load it with cachekit, ~1 ms of start-up).
 */
import type { TracingChannel } from 'node:diagnostics_channel';
import type { ResilientBackend } from '../../reliability/resilient-backend';
import { observedBackends } from '../observed';
import { functionChannel, lockChannel } from '../tracing-channels';
import type { MetricGroup, MetricsContext } from './metrics-context';

/** Bucket bounds in seconds, per histogram. */
export interface HistogramBuckets {
  /** `l2_operation_duration_seconds`. */
  l2?: number[];
  /** `function_duration_seconds`. */
  function?: number[];
  /** `lock_wait_seconds`. */
  lockWait?: number[];
}

/** Defaults: a loopback Redis answers in well under a millisecond; functions and lock waits take longer. */
export const DEFAULT_BUCKETS: Required<HistogramBuckets> = {
  l2: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  function: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  lockWait: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
};

/** Observes, into `observe`, how long each operation traced on `channel` took, by its message. */
function timeChannel<M extends object>(channel: TracingChannel<unknown, M>, observe: (message: M, seconds: number) => void): () => void {
  const started = new WeakMap<object, number>();
  const handlers = {
    start: (message: M) => void started.set(message, performance.now()),
    asyncEnd: (message: M) => {
      const at = started.get(message);
      if (at !== undefined) observe(message, (performance.now() - at) / 1000);
    },
  };
  channel.subscribe(handlers as never);
  return () => void channel.unsubscribe(handlers as never);
}

/** Builds the histograms. */
export function timingMetrics(context: MetricsContext, buckets: HistogramBuckets): MetricGroup {
  const { prom, prefix } = context;
  const histogram = (name: string, help: string, labelNames: readonly string[], bounds: number[]) =>
    new prom.Histogram({ name: `${prefix}${name}`, help, labelNames: [...labelNames], buckets: bounds, registers: [context.registry as never] });
  const l2 = histogram(
    'l2_operation_duration_seconds',
    'Backend operations from admission to answer (queue wait excluded), by operation and result (ok, error: failed or timed out).',
    ['backend', 'namespace', 'operation', 'result'],
    buckets.l2 ?? DEFAULT_BUCKETS.l2,
  );
  const fn = histogram(
    'function_duration_seconds',
    'Runs of cached functions (misses, bypassed calls and background refreshes), until their result settled.',
    context.functionLabelNames,
    buckets.function ?? DEFAULT_BUCKETS.function,
  );
  const lockWait = histogram(
    'lock_wait_seconds',
    'Time a miss spent on the distributed lock before computing or reading the value another process computed.',
    context.functionLabelNames,
    buckets.lockWait ?? DEFAULT_BUCKETS.lockWait,
  );

  const listen = (facade: ResilientBackend) =>
    facade.on('operation', (op) => {
      l2.observe({ backend: op.backendType, namespace: op.namespace, operation: op.operation, result: op.ok ? 'ok' : 'error' }, op.durationMs / 1000);
    });
  const stops = observedBackends.live().map(listen);
  stops.push(observedBackends.onAdd((facade) => stops.push(listen(facade))));
  stops.push(timeChannel(functionChannel, (m, seconds) => fn.observe(context.functionLabels(m.namespace, m.cache), seconds)));
  stops.push(timeChannel(lockChannel, (m, seconds) => lockWait.observe(context.functionLabels(m.namespace, m.cache), seconds)));
  return {
    names: [`${prefix}l2_operation_duration_seconds`, `${prefix}function_duration_seconds`, `${prefix}lock_wait_seconds`],
    stop: () => {
      for (const stop of stops) stop();
    },
  };
}
