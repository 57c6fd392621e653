/**
 * `fn.many(argsList)`: N calls answered in a few round trips instead of N.
 *
 * 1. L1 first: clean hits are answered at once. Anything else an L1 entry needs (its tags
 *    checked against L2, fail-safe's stale value, a large sealed value) takes the single-call
 *    path, as does a key already being loaded (it joins that flight).
 * 2. The rest is read from L2 together: one `getMany` (an `MGET` on Redis; on a Cluster, reads
 *    pipelined per node), each answer opened as a single read opens it.
 * 3. What is still missing runs the function, each call on its own, or all of them in one call
 *    of `loadMany(missingArgsList)`; single calls of the same keys share those runs (each key's
 *    flight is open from step 2 on).
 * 4. The new values are written together: one `setMany` (one pipeline of SETs on Redis).
 *
 * Every call counts as a single call would (L1 hit, L2 hit, miss, coalesced). The distributed
 * stampede lock is not taken: a bulk load waits for no other process.
 */
import { ConfigurationError } from '../errors';
import { awaitRun } from '../fail-safe/factory-run';
import type { StaleValue } from '../fail-safe/stale-value';
import { TenantError } from '../tenancy/tenant-option';
import type { CacheEngine } from './cache-engine';
import { ExpiredRead, type Loaded, type ReadOutcome } from './entry-reader';
import type { EntryMeta } from './entry-meta';
import type { StoredKeyFunction } from './ports';
import { readMany } from './read-many';
import { errorSummary } from '../observability/error-summary';

/** How `many()` reaches the rest of the wrapper. */
export interface BulkLoadParts {
  readonly engine: CacheEngine;
  readonly storedKey: StoredKeyFunction;
  readonly fn: (...args: never[]) => unknown;
  /** One call of the cached path (L1, then the engine): for calls the batch does not take. */
  readonly single: (thisArg: unknown, args: unknown[]) => Promise<unknown>;
}

/** One key of the batch: its flight, the calls that asked for it, and what fail-safe could serve. */
interface BatchItem {
  readonly key: string;
  readonly args: unknown[];
  readonly indexes: number[];
  readonly open: ReturnType<CacheEngine['openFlight']>;
  stale: StaleValue | undefined;
  source: 'computed' | 'bypassed';
}

/** A value the function returned for one item, waiting to be stored with the others. */
interface Fresh {
  readonly item: BatchItem;
  readonly value: unknown;
}

/** Answers `argsList` (each an argument list) in order. Rejects with the first failing call's error. */
export async function loadBulk(parts: BulkLoadParts, thisArg: unknown, argsList: readonly unknown[]): Promise<unknown[]> {
  if (!Array.isArray(argsList) || !argsList.every(Array.isArray)) {
    throw new ConfigurationError('many(argsList) takes an array of argument lists, e.g. many([[1], [2], [3]]).');
  }
  const { engine } = parts;
  // Answers by index; `pending` holds the calls answered later (each fills its slot), so the
  // L1 hits cost no promise of their own.
  const values: unknown[] = new Array(argsList.length);
  const pending: Array<Promise<unknown>> = [];
  const later = (index: number, answer: Promise<unknown>): void => {
    pending.push(answer.then((value) => (values[index] = value)));
  };
  const batch = new Map<string, BatchItem>();
  const tier = engine.l1Tier;
  const hitIndexes: number[] = [];
  const hitEntries: Array<NonNullable<ReturnType<NonNullable<typeof tier>['l1']['get']>>> = [];
  const now = Date.now();
  engine.stats.lastOperationAt = now;
  // Every key first: a call without a tenant rejects the whole batch before any flight is opened.
  const keys = (argsList as unknown[][]).map((args) => {
    try {
      return parts.storedKey(args, thisArg);
    } catch (error) {
      if (error instanceof TenantError) throw error;
      return undefined;
    }
  });
  (argsList as unknown[][]).forEach((args, index) => {
    const key = keys[index];
    // Arguments that form no key take the single path, which runs the function uncached.
    if (key === undefined) return later(index, parts.single(thisArg, args));
    const listed = batch.get(key);
    if (listed !== undefined) {
      listed.indexes.push(index);
      return;
    }
    const entry = tier?.l1.get(key, now);
    if (entry !== undefined) {
      const meta = entry.meta as EntryMeta | undefined;
      if ((meta === undefined || (engine.judge(meta, now) === 'fresh' && !meta.failSafe)) && !tier!.isLargeSealed(entry) && entry.refreshAt > now) {
        hitIndexes.push(index);
        hitEntries.push(entry);
        return;
      }
      return later(index, parts.single(thisArg, args));
    }
    if (engine.inflight.has(key)) return later(index, parts.single(thisArg, args));
    batch.set(key, { key, args, indexes: [index], open: engine.openFlight(key), stale: undefined, source: 'computed' });
  });
  const items = [...batch.values()];
  for (const item of items) answerCalls(parts, item, argsList as unknown[][], later, thisArg);
  // The L2 read goes out first (loadItems sends it before its first await); the hits' values
  // are copied out of L1 while it is on the wire.
  if (items.length > 0) void loadItems(parts, items, thisArg);
  hitIndexes.forEach((index, i) => {
    try {
      values[index] = tier!.valueOf(hitEntries[i]!);
      engine.stats.l1Hits++;
    } catch {
      // Undecodable: the single path counts, logs and drops it.
      later(index, parts.single(thisArg, argsList[index] as unknown[]));
    }
  });
  if (pending.length > 0) await Promise.all(pending);
  return values;
}

/** Each call of `item` gets its answer once the item's flight is settled: the first the value, the others copies. */
function answerCalls(
  parts: BulkLoadParts,
  item: BatchItem,
  argsList: unknown[][],
  later: (index: number, answer: Promise<unknown>) => void,
  thisArg: unknown,
): void {
  const { engine } = parts;
  const promise = item.open.flight.promise as Promise<Loaded>;
  item.indexes.forEach((index, nth) => {
    later(
      index,
      promise.then((loaded) => {
        if (nth === 0) {
          engine.count(loaded, undefined);
          return loaded.value;
        }
        engine.stats.counters.coalesced++;
        return engine.joinedValue(loaded, parts.fn, thisArg, argsList[index] as unknown[], undefined);
      }),
    );
  });
}

/** Steps 2 to 4 for the batch; every item's flight is settled whichever way it goes. */
async function loadItems(parts: BulkLoadParts, items: BatchItem[], thisArg: unknown): Promise<void> {
  try {
    const missing = await readItems(parts.engine, items);
    if (missing.length === 0) return;
    const fresh = parts.engine.config.loadMany === undefined ? await runEach(parts, missing, thisArg) : await runBatch(parts, missing, thisArg);
    await storeFresh(parts.engine, fresh, thisArg);
  } catch (error) {
    // Whatever was not answered yet gets the error (settling an answered flight again does nothing).
    for (const item of items) item.open.reject(error);
  }
}

/** Step 2: one read for every item; hits answer their flights. Returns the items still missing. */
async function readItems(engine: CacheEngine, items: BatchItem[]): Promise<BatchItem[]> {
  const backend = engine.backend();
  if (backend === null) return items;
  const readMark = engine.l1Tier?.mark();
  const keys = items.map((item) => item.key);
  const reading = readMany(backend, keys);
  // While the backend answers: the per-key work of opening (or sealing) each entry.
  for (const key of keys) engine.pipeline?.prepare?.(engine.context(key));
  const answers = await reading;
  const outcomes = await Promise.all(answers.map((answer, i) => engine.reader.opened(backend, keys[i] as string, answer, readMark) as ReadOutcome | Promise<ReadOutcome>));
  const missing: BatchItem[] = [];
  outcomes.forEach((outcome, i) => {
    const item = items[i] as BatchItem;
    if (outcome instanceof ExpiredRead) item.stale = outcome;
    else if (typeof outcome === 'object') return item.open.resolve(outcome);
    else if (outcome === 'failed') item.source = 'bypassed';
    missing.push(item);
  });
  return missing;
}

/** Step 3, one run of the function per missing item (concurrently), each with the factory timeouts. */
async function runEach(parts: BulkLoadParts, items: BatchItem[], thisArg: unknown): Promise<Fresh[]> {
  const { engine } = parts;
  const { softMs, hardMs } = engine.config.factoryTimeout;
  const fresh: Fresh[] = [];
  await Promise.all(
    items.map(async (item) => {
      const createdAt = Date.now();
      let result: unknown;
      try {
        result = engine.runFunction(parts.fn, thisArg, item.args, false);
      } catch (error) {
        result = Promise.reject(error);
      }
      const outcome = await awaitRun(result, item.stale === undefined ? undefined : softMs, hardMs);
      if (outcome.kind === 'value') {
        fresh.push({ item, value: outcome.value });
        return;
      }
      if (outcome.kind !== 'error') {
        engine.runs.ranOver(outcome.kind);
        engine.track(
          outcome.pending.then(
            (value) => (item.open.flight.discard ? undefined : engine.runs.stored(item.open.flight, item.key, value, createdAt, thisArg, item.args, false, item.source)),
            (error: unknown) => engine.runs.lateRunFailed(item.key, error),
          ),
        );
      }
      settle(item, () => engine.runs.failSafeOr(item.open.flight, item.key, item.stale, outcome.kind, outcome.kind === 'error' ? outcome.error : undefined));
    }),
  );
  return fresh;
}

/**
 * Step 3 with `loadMany`: one call for every missing item. Its soft timeout applies when every
 * item has a stale value to serve; its hard timeout, errors and a result of the wrong shape
 * answer each item with its stale value or the error.
 */
async function runBatch(parts: BulkLoadParts, items: BatchItem[], thisArg: unknown): Promise<Fresh[]> {
  const { engine } = parts;
  const loadMany = engine.config.loadMany as (this: unknown, missingArgsList: unknown[][]) => unknown;
  const { softMs, hardMs } = engine.config.factoryTimeout;
  const createdAt = Date.now();
  let result: unknown;
  try {
    result = loadMany.call(thisArg, items.map((item) => item.args));
  } catch (error) {
    result = Promise.reject(error);
  }
  const allStale = items.every((item) => item.stale !== undefined);
  const outcome = await awaitRun(result, allStale ? softMs : undefined, hardMs);
  if (outcome.kind === 'value') {
    const values = outcome.value;
    if (Array.isArray(values) && values.length === items.length) return items.map((item, i) => ({ item, value: values[i] }));
    const error = new ConfigurationError(
      `Option \`loadMany\` returned ${Array.isArray(values) ? `${values.length} results` : 'no array'} for ${items.length} calls. Fix: return one result per argument list, in the same order.`,
    );
    for (const item of items) settle(item, () => engine.runs.failSafeOr(item.open.flight, item.key, item.stale, 'error', error));
    return [];
  }
  if (outcome.kind !== 'error') {
    engine.runs.ranOver(outcome.kind);
    engine.track(
      outcome.pending.then(
        (values) => {
          if (!Array.isArray(values) || values.length !== items.length) return undefined;
          const late = items.map((item, i) => ({ item, value: values[i] })).filter(({ item }) => !item.open.flight.discard);
          return storeFresh(engine, late, thisArg, createdAt, false);
        },
        (error: unknown) => engine.runs.lateRunFailed(undefined, error),
      ),
    );
  }
  for (const item of items) settle(item, () => engine.runs.failSafeOr(item.open.flight, item.key, item.stale, outcome.kind, outcome.kind === 'error' ? outcome.error : undefined));
  return [];
}

/** Step 4: the fresh values stored together; each item's flight is answered with its value (uncached when it could not be stored). */
async function storeFresh(engine: CacheEngine, fresh: Fresh[], thisArg: unknown, createdAt = Date.now(), answer = true): Promise<void> {
  const storable: Array<{ fresh: Fresh; meta: EntryMeta | undefined }> = [];
  for (const entry of fresh) {
    const { item, value } = entry;
    const meta = item.open.flight.discard ? null : engine.runs.metaFor(item.key, createdAt, thisArg, item.args, value);
    if (meta === null) {
      if (answer) item.open.resolve({ source: item.source, value, serialized: undefined, latencyMs: 0, stale: undefined });
    } else storable.push({ fresh: entry, meta });
  }
  let serialized: Array<Buffer | undefined> = [];
  try {
    serialized = await engine.writer.storeMany(storable.map(({ fresh: { item, value }, meta }) => ({ key: item.key, value, meta })));
  } catch (error) {
    engine.stats.counters.followUpErrors++;
    engine.log('warn', { err: errorSummary(error) }, 'cachekit: storing the results of many() failed; returned uncached');
  }
  if (!answer) return;
  storable.forEach(({ fresh: { item, value } }, i) => {
    item.open.resolve({ source: item.source, value, serialized: serialized[i], latencyMs: 0, stale: undefined });
  });
}

/** Answers an item's flight with what `answer` returns, or rejects it with what it throws. */
function settle(item: BatchItem, answer: () => Loaded): void {
  try {
    item.open.resolve(answer());
  } catch (error) {
    item.open.reject(error);
  }
}
