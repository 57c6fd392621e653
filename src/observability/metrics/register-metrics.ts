/**
 * `registerMetrics()`: cachekit's Prometheus metrics in a prom-client registry. Registered once
 * per registry and prefix (a second call returns the same handle), covering every cached
 * function of the process, those built before and after. Values are read from the counters the
 * call path already keeps, at scrape time; only durations are observed as they happen. Labels
 * are bounded: namespace, function (opt-out), backend, operation, outcome or reason; never a
 * key, a tenant or an argument.
 *
 * The set grows by adding a group (a function of the context returning its metric names).
 */
import { ConfigurationError } from '../../errors';
import { describeValue } from '../../describe-value';
import { backendMetrics } from './backend-metrics';
import { busMetrics } from './bus-metrics';
import { functionMetrics } from './function-metrics';
import { l1Metrics } from './l1-metrics';
import type { MetricGroup, MetricsContext } from './metrics-context';
import { promClient, type MetricsRegistry } from './prom-client';
import { timingMetrics, type HistogramBuckets } from './timing-metrics';

/** Options of `registerMetrics()`. */
export interface MetricsOptions {
  /** The prom-client registry to register in. Default: prom-client's global `register`. */
  registry?: MetricsRegistry;
  /** Prepended to every metric name. Default `cachekit_`. */
  prefix?: string;
  /**
   * Label per-function series with `function` (`{module}.{name}`). Default true; false sums
   * every function of a namespace into one series (for processes with very many functions).
   */
  functionLabel?: boolean;
  /** Histogram bucket bounds in seconds. */
  buckets?: HistogramBuckets;
}

/** What `registerMetrics()` returns. */
export interface CachekitMetrics {
  /** The registry the metrics live in. */
  readonly registry: MetricsRegistry;
  /** Full names of the registered metrics. */
  readonly names: readonly string[];
  /** Removes the metrics from the registry and stops observing; a later `registerMetrics()` starts anew. */
  unregister(): void;
}

const DEFAULT_PREFIX = 'cachekit_';
const PROMETHEUS_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Handles by registry, then by prefix: what makes a second call return the first one's handle. */
const registered = new WeakMap<MetricsRegistry, Map<string, { metrics: CachekitMetrics; functionLabel: boolean }>>();

/** The groups of metrics, in registration order. */
const GROUPS: ReadonlyArray<(context: MetricsContext, options: MetricsOptions) => MetricGroup> = [
  (context) => functionMetrics(context),
  (context) => backendMetrics(context),
  (context) => l1Metrics(context),
  (context) => busMetrics(context),
  (context, options) => timingMetrics(context, options.buckets ?? {}),
];

function validate(options: MetricsOptions): { prefix: string; functionLabel: boolean } {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (typeof prefix !== 'string' || !PROMETHEUS_NAME.test(`${prefix}x`)) {
    throw new ConfigurationError(
      `Option \`prefix\` of registerMetrics() got ${describeValue(prefix)}: metric names allow letters, digits, _ and : only, not starting with a digit. Fix: pass e.g. 'myapp_cache_'.`,
    );
  }
  const functionLabel = options.functionLabel ?? true;
  if (typeof functionLabel !== 'boolean') {
    throw new ConfigurationError(`Option \`functionLabel\` of registerMetrics() got ${describeValue(functionLabel)}. Fix: pass true or false.`);
  }
  return { prefix, functionLabel };
}

/**
 * Registers cachekit's metrics (see the README's metric list) in `options.registry`. Calling it
 * again for the same registry and prefix returns the same handle; wrapping more functions never
 * registers anything. Needs the optional peer dependency prom-client.
 */
export function registerMetrics(options: MetricsOptions = {}): CachekitMetrics {
  const { prefix, functionLabel } = validate(options);
  const prom = promClient();
  const registry = options.registry ?? (prom.register as unknown as MetricsRegistry);
  let byPrefix = registered.get(registry);
  const existing = byPrefix?.get(prefix);
  if (existing !== undefined) {
    if (existing.functionLabel !== functionLabel) {
      throw new ConfigurationError(
        `registerMetrics() was already called for this registry and prefix '${prefix}' with functionLabel: ${existing.functionLabel}. ` +
          'Fix: pass the same functionLabel, a different prefix, or call unregister() on the first handle.',
      );
    }
    return existing.metrics;
  }
  const functionLabelNames = functionLabel ? ['namespace', 'function'] : ['namespace'];
  const context: MetricsContext = {
    prom,
    registry,
    prefix,
    functionLabelNames,
    functionLabels: functionLabel ? (namespace, label) => ({ namespace, function: label }) : (namespace) => ({ namespace }),
  };
  const groups: MetricGroup[] = [];
  const unregister = () => {
    for (const group of groups) {
      group.stop?.();
      for (const name of group.names) registry.removeSingleMetric(name);
    }
    groups.length = 0;
    registered.get(registry)?.delete(prefix);
  };
  try {
    for (const build of GROUPS) groups.push(build(context, options));
  } catch (error) {
    // A name already taken by someone else's metric: leave the registry as it was.
    unregister();
    throw error;
  }
  const metrics: CachekitMetrics = { registry, names: groups.flatMap((g) => g.names), unregister };
  if (byPrefix === undefined) {
    byPrefix = new Map();
    registered.set(registry, byPrefix);
  }
  byPrefix.set(prefix, { metrics, functionLabel });
  return metrics;
}
