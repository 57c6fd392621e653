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

/** A counter or gauge whose series are filled by `fill` at each scrape; returns its full name. */
function scraped(kind: 'Counter' | 'Gauge', context: MetricsContext, name: string, help: string, labelNames: readonly string[], fill: (samples: Samples) => void): string {
  const fullName = `${context.prefix}${name}`;
  const metric: InstanceType<PromClientModule['Counter']> | InstanceType<PromClientModule['Gauge']> = new context.prom[kind]({
    name: fullName,
    help,
    labelNames: [...labelNames],
    registers: [context.registry as never],
    collect: () => {
      const samples = new Samples();
      fill(samples);
      if (kind === 'Counter') samples.writeCounter(metric as InstanceType<PromClientModule['Counter']>);
      else samples.writeGauge(metric as InstanceType<PromClientModule['Gauge']>);
    },
  });
  return fullName;
}

/** A counter whose series are filled by `fill` at each scrape. */
export const scrapedCounter = (context: MetricsContext, name: string, help: string, labelNames: readonly string[], fill: (samples: Samples) => void): string =>
  scraped('Counter', context, name, help, labelNames, fill);

/** A gauge whose series are filled by `fill` at each scrape. */
export const scrapedGauge = (context: MetricsContext, name: string, help: string, labelNames: readonly string[], fill: (samples: Samples) => void): string =>
  scraped('Gauge', context, name, help, labelNames, fill);

/** The labels of `cache`'s series. */
export const labelsOf = (context: MetricsContext, cache: ObservedCache): Labels => context.functionLabels(cache.namespace, cache.label);
