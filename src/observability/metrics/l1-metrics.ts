/**
 * Per L1 instance, read at scrape time: bytes held against the budget, evictions and
 * expirations. The process-wide L1 is labelled `shared`; a function's own L1 by the function
 * (or `own`, summed, when the function label is off).
 */
import { isSharedL1 } from '../../cache/l1-tier';
import type { L1Cache } from '../../l1/l1-cache';
import { observedCaches } from '../observed';
import { scrapedCounter, scrapedGauge, type MetricGroup, type MetricsContext } from './metrics-context';
import type { Samples } from './samples';

/** Every live L1 once, with its label. */
function liveL1s(context: MetricsContext): Map<L1Cache, string> {
  const byL1 = new Map<L1Cache, string>();
  const withFunction = context.functionLabelNames.includes('function');
  for (const cache of observedCaches.live()) {
    const l1 = cache.l1;
    if (l1 === undefined || byL1.has(l1)) continue;
    byL1.set(l1, isSharedL1(l1) ? 'shared' : withFunction ? cache.label : 'own');
  }
  return byL1;
}

/** Builds the L1 metrics. */
export function l1Metrics(context: MetricsContext): MetricGroup {
  const each = (read: (stats: ReturnType<L1Cache['stats']>) => number) => (samples: Samples) => {
    for (const [l1, label] of liveL1s(context)) samples.add({ l1: label }, read(l1.stats()));
  };
  const names = [
    scrapedGauge(context, 'l1_bytes', 'Bytes an L1 holds (values, keys and per-entry overhead).', ['l1'], each((s) => s.bytes)),
    scrapedGauge(context, 'l1_max_bytes', 'The byte budget of an L1.', ['l1'], each((s) => s.maxBytes)),
    scrapedCounter(context, 'l1_evictions_total', 'Entries evicted from an L1 to stay within its budget.', ['l1'], each((s) => s.evictions)),
    scrapedCounter(context, 'l1_expirations_total', 'Entries an L1 found expired.', ['l1'], each((s) => s.expirations)),
  ];
  return { names };
}
