/**
 * L1 entries the hit path could not serve as they are. An entry of a tagged or fail-safe cache:
 * its tags' stamps must be read from L2 first, a tag invalidated it, or it is past its freshness
 * (then it is fail-safe's stale value, should the function fail). A large sealed entry: opened
 * on the thread pool. Everything here may await; the hit path in `cached-function.ts` serves
 * the other entries itself.
 */
import type { L1Entry } from '../l1/l1-entry';
import type { CallMessage } from '../observability/tracing-channels';
import type { CacheEngine } from './cache-engine';
import type { EntryMeta, EntryVerdict } from './entry-meta';
import type { L1Tier } from './l1-tier';

/** Answers a call whose L1 entry was judged `verdict` (see the file comment). */
export async function fromFramedL1(
  engine: CacheEngine,
  entry: L1Entry,
  verdict: Exclude<EntryVerdict, 'fresh'>,
  fn: (...args: never[]) => unknown,
  thisArg: unknown,
  args: readonly unknown[],
  signal: AbortSignal | undefined,
  trace: CallMessage | undefined,
): Promise<unknown> {
  const meta = entry.meta as EntryMeta;
  const tier = engine.l1Tier as L1Tier;
  const readMark = tier.mark();
  let judged: EntryVerdict = verdict;
  if (judged === 'unknown') {
    // Unreadable stamps leave the entry untrusted: a miss, never a value a stamp may have invalidated.
    const known = await engine.stamps().refresh(meta.stampKeys, engine.backend());
    judged = known ? engine.judge(meta, Date.now()) : 'unknown';
  }
  if (judged === 'fresh') {
    engine.stats.l1Hits++;
    if (trace !== undefined) trace.outcome = 'l1_hit';
    try {
      return tier.isLargeSealed(entry) ? await tier.valueOfLargeSealed(entry) : tier.valueOf(entry);
    } catch (error) {
      engine.unhitL1(false);
      engine.l1DecodeFailed(entry, error);
      return engine.flights.load(entry.key, fn, thisArg, args, signal, trace, undefined);
    }
  }
  if (judged === 'invalidated') engine.stats.counters.tagInvalidated++;
  if (judged !== 'expired') {
    if (engine.l1?.peek(entry.key) === entry) engine.l1.delete(entry.key);
    return engine.flights.load(entry.key, fn, thisArg, args, signal, trace, undefined);
  }
  return engine.flights.load(entry.key, fn, thisArg, args, signal, trace, engine.config.failSafe === undefined ? undefined : tier.staleOf(entry, readMark));
}

/** An L1 hit on a large sealed entry: opened on the thread pool; a bad entry falls back to a load. */
export async function fromLargeSealedL1(
  engine: CacheEngine,
  entry: L1Entry,
  fn: (...args: never[]) => unknown,
  thisArg: unknown,
  args: readonly unknown[],
  signal: AbortSignal | undefined,
  stale: boolean,
  trace: CallMessage | undefined,
): Promise<unknown> {
  try {
    return await (engine.l1Tier as L1Tier).valueOfLargeSealed(entry);
  } catch (error) {
    engine.unhitL1(stale);
    engine.l1DecodeFailed(entry, error);
    return engine.flights.load(entry.key, fn, thisArg, args, signal, trace, undefined);
  }
}
