/**
 * Per invalidation bus (label `channel`), read at scrape time: whether its subscriber is
 * connected, announcements published, failed and queued for replay, received, malformed and
 * applied, and how often the link was lost.
 */
import { observedBuses } from '../observed';
import { scrapedCounter, scrapedGauge, type MetricGroup, type MetricsContext } from './metrics-context';
import { eachSource } from './samples';

/** Every live bus, labelled with its channel. */
const eachBus = eachSource(function* () {
  for (const bus of observedBuses.live()) yield [{ channel: bus.channel }, bus.stats()] as const;
});

/** Builds the invalidation-bus metrics. */
export function busMetrics(context: MetricsContext): MetricGroup {
  const names = [
    scrapedGauge(context, 'bus_connected', '1 while the invalidation subscriber is connected; 0 while L1 lifetimes are capped to degradedTtl.', ['channel'], eachBus((s) => [[{}, s.connected ? 1 : 0]])),
    scrapedCounter(
      context,
      'bus_messages_total',
      'Invalidation messages by direction: published, received, malformed (received and ignored).',
      ['channel', 'direction'],
      eachBus((s) => [
        [{ direction: 'published' }, s.published],
        [{ direction: 'received' }, s.received],
        [{ direction: 'malformed' }, s.malformed],
      ]),
    ),
    scrapedCounter(context, 'bus_publish_failures_total', 'Publishes that failed (their announcements are queued and replayed).', ['channel'], eachBus((s) => [[{}, s.publishFailures]])),
    scrapedGauge(context, 'bus_queued', 'Announcements waiting to be published again.', ['channel'], eachBus((s) => [[{}, s.queued]])),
    scrapedCounter(context, 'bus_applied_total', 'Keys and prefixes dropped from L1 because another process announced them.', ['channel'], eachBus((s) => [[{}, s.applied]])),
    scrapedCounter(context, 'bus_link_losses_total', 'Times the subscriber link was lost.', ['channel'], eachBus((s) => [[{}, s.linkLosses]])),
  ];
  return { names };
}
