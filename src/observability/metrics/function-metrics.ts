/**
 * Per cached function, read from its counters at scrape time (nothing is pushed per call):
 * calls by outcome, coalesced calls, cache errors by kind, refused entries by reason, SWR
 * refreshes, lock outcomes, key-rotation progress, decode-memo hits, tag invalidations,
 * fail-safe and factory timeouts, L1 entries.
 */
import type { CacheTotals } from '../../cache/stats';
import { observedCaches, type ObservedCache } from '../observed';
import { labelsOf, scrapedCounter, scrapedGauge, type MetricGroup, type MetricsContext } from './metrics-context';
import { labelValue, type Samples } from './samples';

/** Adds, for every live cached function, what `values` reads from it. */
function eachFunction(context: MetricsContext, samples: Samples, values: (cache: ObservedCache, totals: CacheTotals) => ReadonlyArray<[Record<string, string>, number]>): void {
  for (const cache of observedCaches.live()) {
    const labels = labelsOf(context, cache);
    for (const [extra, value] of values(cache, cache.stats.totals())) samples.add({ ...labels, ...extra }, value);
  }
}

/** Builds the per-function metrics. */
export function functionMetrics(context: MetricsContext): MetricGroup {
  const fn = context.functionLabelNames;
  const counter = (name: string, help: string, extraLabels: readonly string[], values: Parameters<typeof eachFunction>[2]) =>
    scrapedCounter(context, name, help, [...fn, ...extraLabels], (samples) => eachFunction(context, samples, values));
  const names = [
    counter(
      'calls_total',
      'Calls of cached functions by outcome: l1_hit, stale (L1 value past its refresh point, served while it refreshes), l2_hit, miss (the function ran), bypassed (ran without the cache: no key, or L2 could not answer).',
      ['outcome'],
      (_cache, t) => [
        [{ outcome: 'l1_hit' }, t.l1Hits - t.counters.staleHits],
        [{ outcome: 'stale' }, t.counters.staleHits],
        [{ outcome: 'l2_hit' }, t.l2Hits],
        [{ outcome: 'miss' }, t.misses - t.counters.unavailableMisses],
        [{ outcome: 'bypassed' }, t.counters.keyErrors + t.counters.unavailableMisses],
      ],
    ),
    counter('coalesced_calls_total', 'Calls that joined a computation already in flight in this process instead of starting one.', [], (_c, t) => [[{}, t.counters.coalesced]]),
    counter(
      'cache_errors_total',
      'Problems that cost caching but never the call, by kind: key (arguments form no key), encode, oversize, l2_read, l2_write, follow_up (a step after the answer).',
      ['kind'],
      (_cache, t) => [
        [{ kind: 'key' }, t.counters.keyErrors],
        [{ kind: 'encode' }, t.counters.encodeErrors],
        [{ kind: 'oversize' }, t.counters.oversizeValues],
        [{ kind: 'l2_read' }, t.counters.l2ReadFailures],
        [{ kind: 'l2_write' }, t.counters.l2WriteFailures],
        [{ kind: 'follow_up' }, t.counters.followUpErrors],
      ],
    ),
    counter(
      'integrity_failures_total',
      'Stored entries refused (served as misses) by reason: checksum, decrypt, mac, envelope, decode, other.',
      ['reason'],
      (cache) => Object.entries(cache.stats.integrityReasons).map(([reason, count]) => [{ reason }, count]),
    ),
    counter('swr_refreshes_total', 'Stale-while-revalidate refreshes started in the background.', [], (_c, t) => [[{}, t.counters.swrRefreshes]]),
    counter(
      'lock_outcomes_total',
      'Misses that went through the distributed stampede lock, by outcome: acquired, waited (another process computed), unavailable, wait_timeout, aborted.',
      ['outcome'],
      (cache) => Object.entries(cache.stats.lockOutcomes).map(([outcome, count]) => [{ outcome: labelValue(outcome) }, count]),
    ),
    counter('old_key_reads_total', 'Encrypted entries read under a previous master key (watch it reach zero during a rotation).', [], (_c, t) => [[{}, t.counters.oldKeyReads]]),
    counter('key_rotation_rewrites_total', 'Entries rewritten under the current master key after such a read.', [], (_c, t) => [[{}, t.counters.keyRotationRewrites]]),
    counter('decode_memo_hits_total', 'L2 hits answered from the decode memo (same bytes as the last decode).', [], (_c, t) => [[{}, t.counters.decodeMemoHits]]),
    counter('tag_invalidated_total', 'Copies found in L1 or L2 that a tag invalidation had made obsolete (served as misses).', [], (_c, t) => [[{}, t.counters.tagInvalidated]]),
    counter('fail_safe_total', 'Calls answered with a stale value because the function failed or passed its soft timeout (fail-safe).', [], (_c, t) => [[{}, t.counters.failSafeHits]]),
    counter('factory_timeouts_total', 'Runs of the function still going at a factory timeout, by kind: soft (the stale value was served), hard (the caller stopped waiting).', ['kind'], (_c, t) => [
      [{ kind: 'soft' }, t.counters.softTimeouts],
      [{ kind: 'hard' }, t.counters.hardTimeouts],
    ]),
    scrapedGauge(context, 'l1_entries', 'Entries a function holds in its L1 (shared or its own).', fn, (samples) => {
      for (const cache of observedCaches.live()) if (cache.l1 !== undefined) samples.add(labelsOf(context, cache), cache.l1.countOf(cache.owner));
    }),
  ];
  return { names };
}
