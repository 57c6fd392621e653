/**
 * The call path behind a wrapped function: L1 → L2 → (lock) → function → write back, with
 * single-flight, stale-while-revalidate, invalidation (by key, prefix and tag) and fail-safe.
 * The synchronous L1 hit path lives in `cached-function.ts`; everything that may await lives
 * here; framed L1 entries that need more than a look are in `framed-l1.ts`, runs of the
 * function in `function-runs.ts`, `many()` in `bulk-load.ts`.
 */
import type { ResolvedConfig } from '../config/resolve-options';
import type { L1Cache } from '../l1/l1-cache';
import type { L1Entry } from '../l1/l1-entry';
import { L1Template, copyTemplate, footprintOf } from '../l1/value-template';
import type { BusStats, InvalidationBus } from '../invalidation/bus';
import { busOf } from '../invalidation/registry';
import { redisBackendOf } from '../invalidation/redis-backend-of';
import { getLogger, keyField, writeLog, type LogFields } from '../observability/logger';
import { RepeatLimiter } from '../observability/repeat-limiter';
import { functionChannel, isTraced, traced, type CallMessage } from '../observability/tracing-channels';
import { runWithLock } from '../reliability/distributed-lock';
import type { LockOptions } from '../reliability/options';
import type { ResilientBackend } from '../reliability/resilient-backend';
import { BackgroundTasks } from './background-tasks';
import { DecodeMemo } from './decode-memo';
import { EntryContexts } from './entry-contexts';
import { throwIfFailClosed, type EntryIo, type LogLevel } from './entry-io';
import { EntryReader, ExpiredRead, type Loaded, type ReadOutcome } from './entry-reader';
import { EntryWriter } from './entry-writer';
import { judgeEntry, type EntryMeta, type EntryVerdict } from './entry-meta';
import type { StaleValue } from '../fail-safe/stale-value';
import { FunctionRuns } from './function-runs';
import { stampKey, stampPrefixOfTenant } from '../tags/tag-names';
import { stampsOf } from '../tags/stamps-registry';
import type { TagStamps } from '../tags/tag-stamps';
import { errorSummary } from '../observability/error-summary';
import { L1Tier } from './l1-tier';
import type { EntryContext, ValuePipeline } from './ports';
import type { CacheStats } from './stats';
import { WrittenKeys } from './written-keys';

/** The shared result of one in-flight load. */
export interface Flight {
  /** Cleared once the flight is over (see `load`). */
  promise: Promise<Loaded> | undefined;
  /** Set by invalidation: the result must not be written to any tier. */
  discard: boolean;
}

/** Everything the engine needs, built once per wrapper. */
export interface CacheEngineParts {
  config: ResolvedConfig;
  owner: number;
  stats: CacheStats;
  l1: L1Cache | undefined;
  pipeline: ValuePipeline | undefined;
  /** Resolves the guarded backend lazily (first call), or null for L1-only. */
  backend: () => ResilientBackend | null;
  /** Distributed stampede lock settings (`enabled: false` = single-flight only). */
  lock: Readonly<LockOptions>;
  /** Tenant and logical key of a stored key (bound into encryption). */
  contextOf: (key: string) => EntryContext;
  /** Encrypted caches only: throw `EncryptionError` on an untrustworthy entry instead of missing. */
  failClosed: boolean;
}

/** The trace outcome of each way a flight is answered. */
const OUTCOMES = { l2: 'l2_hit', computed: 'miss', bypassed: 'bypassed', stale: 'fail_safe' } as const;

/** Most keys remembered per function for `cacheClear()` on backends that cannot clear by prefix. */
const MAX_REMEMBERED_KEYS = 100_000;


/** The asynchronous part of a cached call. */
export class CacheEngine {
  readonly config: ResolvedConfig;
  readonly owner: number;
  readonly stats: CacheStats;
  readonly l1: L1Cache | undefined;
  readonly pipeline: ValuePipeline | undefined;
  readonly reference: boolean;
  /** `{module}.{name}`: how logs, metrics, traces and health name this function. */
  readonly label: string;
  /** The namespace label (`default` when none is set). */
  readonly namespace: string;
  /** Loads in flight by key (single-flight; `many()` takes part in it too). */
  readonly inflight = new Map<string, Flight>();
  /** Entries carry a frame: tags, or fail-safe's freshness (see `entry-frame.ts`). */
  readonly framed: boolean;
  /** The tag stamp table of this cache's L2, once the backend is known. */
  private stampTable: TagStamps | undefined;
  private readonly backendOf: () => ResilientBackend | null;
  /** The backend once resolved (undefined before the first call that needed it). */
  private resolved: ResilientBackend | null | undefined;
  private readonly lock: Readonly<LockOptions>;
  private readonly contexts: EntryContexts;
  private readonly failsClosed: boolean;
  readonly reader: EntryReader;
  readonly writer: EntryWriter;
  /** Runs of the function: storing their values, fail-safe, factory timeouts. */
  readonly runs: FunctionRuns;
  /** Puts entries into L1 (undefined when L1 is off). */
  /** The function's L1: what it holds and hands back (undefined when L1 is off). */
  readonly l1Tier: L1Tier | undefined;
  /** Background writes and refreshes, for `flush()`. */
  private readonly background: BackgroundTasks;
  /** For `cacheClear()` on backends that cannot clear by prefix; other processes' entries are out of reach. */
  private readonly writtenKeys: WrittenKeys;
  /** Decoded values of repeated L2 reads (see `decode-memo.ts`); undefined when it does not apply. */
  private readonly decodeMemo: DecodeMemo | undefined;
  /** The invalidation bus: undefined until the backend is first resolved, null when there is none. */
  private busOrNone: InvalidationBus | null | undefined;
  /** Every message the engine logs is about one call: a repeat within a minute is counted, not written. */
  private readonly repeats = new RepeatLimiter();

  constructor(parts: CacheEngineParts) {
    this.config = parts.config;
    this.owner = parts.owner;
    this.stats = parts.stats;
    this.l1 = parts.l1;
    this.pipeline = parts.pipeline;
    this.reference = parts.config.l1.mode === 'reference';
    this.label = `${parts.config.module}.${parts.config.name}`;
    this.namespace = parts.config.namespace ?? 'default';
    this.backendOf = parts.backend;
    this.lock = parts.lock;
    this.contexts = new EntryContexts(parts.contextOf);
    this.failsClosed = parts.failClosed && parts.pipeline?.encrypted === true;
    this.framed = parts.config.tags !== undefined || parts.config.failSafe !== undefined;
    this.l1Tier =
      parts.l1 === undefined
        ? undefined
        : new L1Tier({
            l1: parts.l1,
            owner: parts.owner,
            ttlSeconds: parts.config.ttlSeconds,
            hasL2: parts.config.backend !== null,
            swrThreshold: parts.config.l1.swr ? parts.config.l1.swrThreshold : undefined,
            reference: this.reference,
            frozen: parts.config.l1.mode === 'frozen',
            pipeline: parts.pipeline,
            context: (key) => this.context(key),
            framed: this.framed,
            staleMs: parts.config.failSafe?.maxStaleMs ?? 0,
          });
    this.background = new BackgroundTasks(() => {
      this.stats.counters.l2WriteFailures++;
    });
    this.writtenKeys = new WrittenKeys(MAX_REMEMBERED_KEYS, (limit) => {
      this.log('warn', { limit }, 'cachekit: too many keys to remember for cacheClear on a backend without prefix clearing; older entries will only expire');
    });
    const io: EntryIo = {
      config: this.config,
      stats: this.stats,
      pipeline: this.pipeline as ValuePipeline,
      reference: this.reference,
      l1: this.l1Tier,
      background: this.background,
      framed: this.framed,
      l2TtlSeconds: Math.ceil(this.config.ttlSeconds + (this.config.failSafe?.maxStaleMs ?? 0) / 1000),
      stamps: () => this.stamps(),
      context: (key, remember) => this.context(key, remember),
      bus: () => this.busOrNone ?? undefined,
      log: (level, fields, message) => this.log(level, fields, message),
    };
    this.writer = new EntryWriter(io, parts.backend, this.writtenKeys);
    // L1 answers repeated reads itself; an encrypted cache keeps no plaintext in memory.
    const memoApplies = parts.config.decodeMemo.enabled && parts.l1 === undefined && parts.pipeline !== undefined && !parts.pipeline.encrypted;
    this.decodeMemo = memoApplies ? new DecodeMemo(parts.config.decodeMemo) : undefined;
    this.reader = new EntryReader(io, this.writer, this.failsClosed, this.decodeMemo);
    this.runs = new FunctionRuns(this, this.writer);
  }

  /** Whether misses take the distributed stampede lock. */
  get lockEnabled(): boolean {
    return this.lock.enabled;
  }

  /** The backend, or null when this cache is L1-only (or the backend could not be built). */
  backend(): ResilientBackend | null {
    if (this.resolved === undefined) {
      this.resolved = this.backendOf();
      this.attachBus(this.resolved);
    }
    return this.resolved;
  }

  /** The tag stamp table of this cache's L2 (resolving the backend if no call did yet). */
  stamps(): TagStamps {
    if (this.stampTable === undefined) this.stampTable = stampsOf(this.backend()?.backend ?? null);
    return this.stampTable;
  }

  /** What a framed entry is worth now (see `judgeEntry`). */
  judge(meta: EntryMeta, now: number): EntryVerdict {
    return judgeEntry(meta, this.stamps(), now);
  }

  /** The backend if a call already resolved it; undefined before (health and metrics never resolve one). */
  resolvedBackend(): ResilientBackend | null | undefined {
    return this.resolved;
  }

  /** The invalidation bus this cache is on: undefined until its backend is resolved, null when none. */
  invalidationBus(): InvalidationBus | null | undefined {
    return this.busOrNone;
  }

  /** Counters of the invalidation bus this cache is on (null: none, or not known yet). */
  busStats(): BusStats | null {
    return this.busOrNone?.stats() ?? null;
  }

  /**
   * Joins the invalidation bus of the backend, the first time the backend is known (it may be
   * resolved lazily, from the environment). Only a Redis backend carries one; an explicit request
   * for it elsewhere was refused when the wrapper was built.
   */
  private attachBus(backend: ResilientBackend | null): void {
    this.busOrNone = null;
    const settings = this.config.invalidation;
    const redis = backend === null || settings.enabled === false ? undefined : redisBackendOf(backend.backend);
    if (redis === undefined) return;
    const bus = busOf(redis, settings.channel, settings.degradedTtlMs, () => this.config.logger ?? getLogger());
    this.busOrNone = bus;
    // Tag stamps of other processes arrive on the bus, and its link changes bound how long they are trusted.
    if (this.framed) this.stamps().watch(bus);
    if (this.l1Tier !== undefined) {
      this.l1Tier.bus = bus;
      bus.join({ l1: this.l1Tier.l1, owner: this.owner });
    }
  }

  /** Entry context (tenant, logical key) for sealing and opening the entry stored under `key` (see EntryContexts). */
  context(key: string, remember = true): EntryContext {
    return this.contexts.of(key, remember);
  }

  /** An L1 hit on a large sealed entry: opened on the thread pool; a bad entry falls back to `load`. */
  async fromLargeSealedL1(
    entry: L1Entry,
    fn: (...args: never[]) => unknown,
    thisArg: unknown,
    args: readonly unknown[],
    signal: AbortSignal | undefined,
    stale: boolean,
    trace: CallMessage | undefined,
  ): Promise<unknown> {
    try {
      return await (this.l1Tier as L1Tier).valueOfLargeSealed(entry);
    } catch (error) {
      this.unhitL1(stale);
      this.l1DecodeFailed(entry, error);
      return this.load(entry.key, fn, thisArg, args, signal, trace);
    }
  }

  /** Takes back an L1 hit that could not be served (its entry failed to decode). */
  unhitL1(stale: boolean): void {
    this.stats.l1Hits--;
    if (stale) this.stats.counters.staleHits--;
  }

  /**
   * Handles a failed L1 decode: count, log, drop the entry. Throws `EncryptionError` instead
   * when the cache is encrypted and fails closed.
   */
  l1DecodeFailed(entry: L1Entry, error: unknown): void {
    this.stats.recordIntegrityFailure(error);
    this.log('warn', { ...keyField('key', entry.key), err: errorSummary(error) }, 'cachekit: L1 entry failed to decode; dropped');
    this.l1?.delete(entry.key);
    throwIfFailClosed(this.failsClosed, error);
  }


  /**
   * The slow path: single-flight around L2 → lock → compute. Written with promise callbacks
   * rather than async functions: an L2 hit passes through two callbacks instead of three
   * suspended functions (measured: 1.2 KB less garbage and ~0.2 µs less per hit).
   */
  load(
    key: string,
    fn: (...args: never[]) => unknown,
    thisArg: unknown,
    args: readonly unknown[],
    signal: AbortSignal | undefined,
    trace?: CallMessage,
    /** Fail-safe: the expired L1 value to serve if the function fails. */
    stale?: StaleValue,
  ): Promise<unknown> {
    const existing = this.inflight.get(key);
    if (existing !== undefined) {
      this.stats.counters.coalesced++;
      return (existing.promise as Promise<Loaded>).then((loaded) => this.joinedValue(loaded, fn, thisArg, args, trace));
    }
    const flight: Flight = { promise: undefined, discard: false };
    let promise: Promise<Loaded>;
    try {
      promise = this.loadUncoalesced(flight, key, fn, thisArg, args, signal, stale);
    } catch (error) {
      promise = Promise.reject(error);
    }
    flight.promise = promise;
    this.inflight.set(key, flight);
    return promise.then(
      (loaded) => {
        this.land(key, flight);
        this.count(loaded, trace);
        return loaded.value;
      },
      (error: unknown) => {
        this.land(key, flight);
        throw error;
      },
    );
  }

  /**
   * A flight `many()` settles itself: single calls of `key` join it meanwhile. `resolve` and
   * `reject` answer it; it lands (leaves the map) when answered.
   */
  openFlight(key: string): { flight: Flight; resolve: (loaded: Loaded) => void; reject: (error: unknown) => void } {
    let resolve!: (loaded: Loaded) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<Loaded>((yes, no) => {
      resolve = yes;
      reject = no;
    });
    const flight: Flight = { promise, discard: false };
    this.inflight.set(key, flight);
    promise.then(
      () => this.land(key, flight),
      () => this.land(key, flight),
    );
    return { flight, resolve, reject };
  }

  /** A flight is over: it leaves the map and lets go of its promise. */
  private land(key: string, flight: Flight): void {
    if (this.inflight.get(key) === flight) this.inflight.delete(key);
    // A flight that lived through a scavenge sits in old space; were it to keep its promise
    // (and through it the value) after it is gone from the map, each of those values would
    // survive every scavenge until the next full GC. Cost measured at 64 calls in flight:
    // about 3 µs of GC per call.
    flight.promise = undefined;
  }

  /** Counts one call by how its flight was answered (joiners count like the caller they joined). */
  count(loaded: Loaded, trace: CallMessage | undefined): void {
    if (loaded.source === 'l2') this.stats.recordL2Hit(loaded.latencyMs);
    else {
      this.stats.misses++;
      if (loaded.source === 'bypassed') this.stats.counters.unavailableMisses++;
      else if (loaded.source === 'stale') this.stats.counters.failSafeHits++;
    }
    if (trace !== undefined) trace.outcome = OUTCOMES[loaded.source];
  }

  /**
   * Runs the wrapped function; traced on `cachekit:function` while anyone subscribes (`refresh`:
   * a stale-while-revalidate refresh nobody waits for).
   */
  runFunction(fn: (...args: never[]) => unknown, thisArg: unknown, args: readonly unknown[], refresh: boolean): unknown {
    const run = fn as (...a: unknown[]) => unknown;
    if (!isTraced(functionChannel)) return run.apply(thisArg, args as unknown[]);
    return traced(functionChannel, { cache: this.label, namespace: this.namespace, refresh }, () => run.apply(thisArg, args as unknown[]));
  }

  /**
   * A joiner's own copy of a load's value. The first joiner decodes the bytes once and keeps the
   * result as a template; the others copy the template, about ten times cheaper than decoding
   * each (1,000 joiners of one stampede decoded 1 KB each: 20 ms). Values the copier does not
   * know are decoded per joiner, as before. A memory-only miss may have kept a template already.
   */
  private freshCopy(loaded: Loaded): unknown {
    if (loaded.stale !== undefined) return loaded.stale.value();
    const template = loaded.joinTemplate;
    if (template instanceof L1Template) return copyTemplate(template.value);
    if (this.reference || loaded.serialized === undefined || this.pipeline === undefined) return loaded.value;
    if (template === null) return this.pipeline.deserialize(loaded.serialized);
    const decoded = this.pipeline.deserialize(loaded.serialized);
    if (footprintOf(decoded) === undefined) {
      loaded.joinTemplate = null;
      return decoded;
    }
    loaded.joinTemplate = new L1Template(decoded);
    return copyTemplate(decoded);
  }

  /**
   * What a call that joined a flight receives: its own copy of the value. Decoding bytes this
   * process wrote or already decoded once does not fail; if it ever does, the joiner runs the
   * function itself rather than reject (the flight's value belongs to its first caller).
   */
  joinedValue(
    loaded: Loaded,
    fn: (...args: never[]) => unknown,
    thisArg: unknown,
    args: readonly unknown[],
    trace: CallMessage | undefined,
  ): unknown {
    try {
      const value = this.freshCopy(loaded);
      this.count(loaded, trace);
      return value;
    } catch (error) {
      this.stats.misses++;
      if (trace !== undefined) trace.outcome = 'miss';
      this.log('warn', { err: errorSummary(error) }, 'cachekit: a coalesced call could not copy the shared value; it ran the function itself');
      return this.runFunction(fn, thisArg, args, false);
    }
  }

  private loadUncoalesced(
    flight: Flight,
    key: string,
    fn: (...args: never[]) => unknown,
    thisArg: unknown,
    args: readonly unknown[],
    signal: AbortSignal | undefined,
    staleInL1: StaleValue | undefined,
  ): Promise<Loaded> {
    const backend = this.backend();
    if (backend === null) return this.runs.compute(flight, key, fn, thisArg, args, false, 'computed', staleInL1);
    // Taken before the read: an invalidation arriving while it is in flight keeps its value out of L1.
    const readMark = this.l1Tier?.mark();
    const reading = backend.get(key, signal);
    // The read is on its way: the per-key work of opening (or, after a miss, sealing) the entry
    // runs while the backend answers, not after.
    this.pipeline?.prepare?.(this.context(key));
    // An L2 hit is answered in this one callback; anything else continues in `afterRead`.
    return reading.then((result) => {
      const read = this.reader.opened(backend, key, result, readMark);
      if (typeof read === 'object' && !(read instanceof Promise) && !(read instanceof ExpiredRead)) return read;
      // A failed read (timeout, breaker open, overload) means the lock would fail too: compute
      // right away instead of paying another deadline.
      if (read === 'failed') return this.runs.compute(flight, key, fn, thisArg, args, false, 'bypassed', staleInL1);
      if (read === 'miss' && !this.usesLock(backend)) return this.runs.compute(flight, key, fn, thisArg, args, false, 'computed', staleInL1);
      return this.afterRead(read, flight, backend, key, fn, thisArg, args, signal, staleInL1);
    });
  }

  /** After a read that was not a hit (or is still being opened): the lock on a miss, or the function. */
  private async afterRead(
    pending: ReadOutcome | Promise<ReadOutcome>,
    flight: Flight,
    backend: ResilientBackend,
    key: string,
    fn: (...args: never[]) => unknown,
    thisArg: unknown,
    args: readonly unknown[],
    signal: AbortSignal | undefined,
    staleInL1: StaleValue | undefined,
  ): Promise<Loaded> {
    let read = await pending;
    // An entry past its freshness is no hit; it is what fail-safe serves if the function fails.
    let stale = staleInL1;
    if (read instanceof ExpiredRead) {
      stale = read;
      read = 'miss';
    }
    if (typeof read === 'object') return read;
    if (read === 'miss' && this.usesLock(backend)) {
      const locked = await runWithLock<Loaded>({
        backend,
        key,
        trace: { cache: this.label, namespace: this.namespace, backend: backend.backendType },
        leaseMs: this.lock.leaseMs,
        waitTimeoutMs: this.lock.waitTimeoutMs,
        signal,
        recheck: async () => {
          const again = await this.reader.read(backend, key, signal);
          return typeof again === 'object' && !(again instanceof ExpiredRead) ? again : undefined;
        },
        // The holder's caller gets its value at once; the lock goes once the write has landed.
        compute: (context) => this.runs.compute(flight, key, fn, thisArg, args, false, 'computed', stale, context.lockHeld ? context.releaseAfter : undefined),
        ...(this.busOrNone ? { watch: this.busOrNone.watch.bind(this.busOrNone) } : {}),
      });
      this.stats.lockOutcomes[locked.lock]++;
      return locked.value;
    }
    return this.runs.compute(flight, key, fn, thisArg, args, false, read === 'failed' ? 'bypassed' : 'computed', stale);
  }

  private usesLock(backend: ResilientBackend): boolean {
    return this.lock.enabled && backend.supportsLocks;
  }

  /**
   * Stale-while-revalidate: refreshes `entry` once in the background. The refresh may only
   * replace the entry it started from (same generation), so an invalidation that happens
   * while it runs is never overwritten by stale data.
   */
  refreshInBackground(
    entry: L1Entry,
    fn: (...args: never[]) => unknown,
    thisArg: unknown,
    args: readonly unknown[],
  ): void {
    entry.refreshing = true;
    this.stats.counters.swrRefreshes++;
    const generation = entry.generation;
    const key = entry.key;
    const l1 = this.l1 as L1Cache;
    const refresh = (async () => {
      const createdAt = Date.now();
      const value = await this.runFunction(fn, thisArg, args, true);
      if (l1.peek(key)?.generation !== generation) return;
      const meta = this.runs.metaFor(key, createdAt, thisArg, args, value);
      if (meta === null) return;
      await this.writer.store(key, value, true, meta);
      // Invalidated while the L2 write was in flight: take the resurrected copy back out.
      const now = l1.peek(key);
      if (now === undefined || now.generation <= generation) await this.backend()?.delete(key);
    })().catch((error: unknown) => {
      this.log('debug', { ...keyField('key', key), err: errorSummary(error) }, 'cachekit: background refresh failed; serving the cached value until it expires');
    });
    this.track(refresh);
  }

  /** Removes one entry from every tier and stops in-flight loads of it from writing. */
  async invalidate(key: string): Promise<boolean> {
    const flight = this.inflight.get(key);
    if (flight !== undefined) {
      flight.discard = true;
      this.inflight.delete(key);
    }
    const inL1 = this.l1?.delete(key) ?? false;
    this.decodeMemo?.forget(key);
    const backend = this.backend();
    const inL2 = backend !== null ? await backend.delete(key) : undefined;
    // Other processes drop their copies once the shared tier no longer has it.
    if (inL2?.ok === true) this.busOrNone?.keysChanged([key]);
    return inL1 || (inL2?.ok === true && inL2.value);
  }

  /**
   * Invalidates `tags` of `tenant`: every entry carrying one of them (of any function on this
   * L2) created before now is a miss from now on (see `tags/tag-stamps.ts`).
   */
  invalidateTags(tags: readonly string[], tenant: string): Promise<boolean> {
    const prefix = stampPrefixOfTenant(tenant);
    return this.stamps().stamp(
      tags.map((tag) => stampKey(prefix, tag)),
      this.backend(),
    );
  }

  /** Removes every entry of this function (all keys under `prefixes`) from every tier. */
  async clear(prefixes: readonly string[]): Promise<number> {
    for (const flight of this.inflight.values()) flight.discard = true;
    this.inflight.clear();
    let removed = this.l1?.deleteOwner(this.owner, prefixes) ?? 0;
    this.decodeMemo?.clear();
    const backend = this.backend();
    if (backend !== null && typeof backend.backend.clearPrefix === 'function') {
      const cleared: string[] = [];
      for (const prefix of prefixes) {
        const result = await backend.clearPrefix(prefix);
        if (result.ok) {
          removed += result.value;
          cleared.push(prefix);
        } else this.log('warn', { ...keyField('prefix', prefix), reason: result.reason }, 'cachekit: cacheClear could not clear the shared tier');
      }
      if (cleared.length > 0) this.busOrNone?.prefixesCleared(cleared);
    } else if (backend !== null) {
      for (const key of this.writtenKeys.take(prefixes)) {
        const result = await backend.delete(key);
        if (result.ok && result.value) removed++;
      }
    }
    this.stats.reset();
    return removed;
  }

  /** Resolves when every background write and refresh started so far has settled. */
  flush(): Promise<void> {
    return this.background.flush();
  }

  /** Counts `promise` as background work (`flush()` waits for it). */
  track(promise: Promise<unknown>): void {
    this.background.track(promise);
  }

  /**
   * Logs through the cache's logger, or the process logger. A message repeated within a
   * minute is left out and counted; the next record of it says how many were (`suppressed`).
   */
  log(level: LogLevel, fields: LogFields, message: string): void {
    const now = Date.now();
    if (level === 'warn' || level === 'error') this.stats.lastProblem = { at: now, message };
    const suppressed = this.repeats.admit(message, now);
    if (suppressed === undefined) return;
    const logger = this.config.logger ?? getLogger();
    const cache = this.label;
    writeLog(logger, level, suppressed === 0 ? { cache, ...fields } : { cache, ...fields, suppressed }, message);
  }
}
