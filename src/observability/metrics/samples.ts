/**
 * Samples gathered at scrape time and written into prom-client metrics: series with equal
 * labels are summed (two functions of one name, or every function once the function label is
 * off), and a metric is rewritten whole on each scrape, so series of dropped functions go away.
 */
import type { Counter, Gauge } from 'prom-client';

/** Label values of one series. */
export type Labels = Record<string, string>;

/** Sums of sample values by label set. */
export class Samples {
  private readonly byKey = new Map<string, { labels: Labels; value: number }>();

  /** Adds `value` to the series `labels`. */
  add(labels: Labels, value: number): void {
    const key = Object.keys(labels)
      .sort()
      .map((name) => `${name}=${labels[name]}`)
      .join('\u0000');
    const series = this.byKey.get(key);
    if (series === undefined) this.byKey.set(key, { labels, value });
    else series.value += value;
  }

  /** Replaces the counter's series with these sums (sums only grow, so the counter does). */
  writeCounter(counter: Counter<string>): void {
    counter.reset();
    for (const { labels, value } of this.byKey.values()) counter.inc(labels, value);
  }

  /** Replaces the gauge's series with these sums. */
  writeGauge(gauge: Gauge<string>): void {
    gauge.reset();
    for (const { labels, value } of this.byKey.values()) gauge.set(labels, value);
  }
}

/** A label value from a name with dashes (`breaker-open` → `breaker_open`), as Prometheus labels are written. */
export const labelValue = (name: string): string => name.replace(/-/g, '_');

/** The labelled samples one source's stats give (extra labels and a value each). */
export type SampleRows<S> = (stats: S) => ReadonlyArray<[Labels, number]>;

/**
 * A sampler over live sources: `sources` lists each with its own labels and its stats at scrape
 * time; the result turns a `SampleRows` reading into the samples of every source.
 */
export function eachSource<S>(sources: () => Iterable<readonly [Labels, S]>): (rows: SampleRows<S>) => (samples: Samples) => void {
  return (rows) => (samples) => {
    for (const [labels, stats] of sources()) for (const [extra, value] of rows(stats)) samples.add({ ...labels, ...extra }, value);
  };
}
