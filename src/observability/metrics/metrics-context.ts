/**
 * What every group of metrics is built with: prom-client, the registry, the name prefix and
 * the label choice; and the two ways a group produces values (read at scrape time, the rule,
 * or observed as events happen, for histograms).
 */
import type { ObservedCache } from '../observed';
import type { MetricsRegistry, PromClientModule } from './prom-client';
import { Samples, type Labels } from './samples';

/** Shared by the groups of one `registerMetrics()` call. */
export interface MetricsContext {
  readonly prom: PromClientModule;
  readonly registry: MetricsRegistry;
  /** Prepended to every metric name (`cachekit_` by default). */
  readonly prefix: string;
  /** Label names identifying a function: `namespace` and, unless opted out, `function`. */
  readonly functionLabelNames: readonly string[];
  /** The labels of a function's series. */
  functionLabels(namespace: string, label: string): Labels;
}

/** What a group built: the metric names, and what stops its subscriptions. */
export interface MetricGroup {
  readonly names: readonly string[];
  stop?(): void;
}

/** A counter whose series are filled by `fill` at each scrape. */
export function scrapedCounter(context: MetricsContext, name: string, help: string, labelNames: readonly string[], fill: (samples: Samples) => void): string {
  const fullName = `${context.prefix}${name}`;
  const counter: InstanceType<PromClientModule['Counter']> = new context.prom.Counter({
    name: fullName,
    help,
    labelNames: [...labelNames],
    registers: [context.registry as never],
    collect: () => {
      const samples = new Samples();
      fill(samples);
      samples.writeCounter(counter);
    },
  });
  return fullName;
}

/** A gauge whose series are filled by `fill` at each scrape. */
export function scrapedGauge(context: MetricsContext, name: string, help: string, labelNames: readonly string[], fill: (samples: Samples) => void): string {
  const fullName = `${context.prefix}${name}`;
  const gauge: InstanceType<PromClientModule['Gauge']> = new context.prom.Gauge({
    name: fullName,
    help,
    labelNames: [...labelNames],
    registers: [context.registry as never],
    collect: () => {
      const samples = new Samples();
      fill(samples);
      samples.writeGauge(gauge);
    },
  });
  return fullName;
}

/** The labels of `cache`'s series. */
export const labelsOf = (context: MetricsContext, cache: ObservedCache): Labels => context.functionLabels(cache.namespace, cache.label);
