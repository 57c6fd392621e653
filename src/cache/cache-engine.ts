/**
 * The call path behind a wrapped function: L1 → L2 → (lock) → function → write back, with
 * single-flight, stale-while-revalidate, invalidation (by key, prefix and tag) and fail-safe.
 * The synchronous L1 hit path lives in `cached-function.ts`; the engine holds what every other
 * step needs (backend, bus, tiers, logging) and invalidation. Single-flight and the miss path are
 * in `flights.ts`, L1 entries that need more than a look in `framed-l1.ts`, runs of the function
 * (stale-while-revalidate refreshes too) in `function-runs.ts`, `many()` in `bulk-load.ts`.
 */
import type { ResolvedConfig } from '../config/resolve-options';
import type { L1Cache } from '../l1/l1-cache';
import type { L1Entry } from '../l1/l1-entry';
import type { BusStats, InvalidationBus } from '../invalidation/bus';
import { busOf } from '../invalidation/registry';
import { redisBackendOf } from '../invalidation/redis-backend-of';
import { getLogger, keyField, writeLog, type LogFields } from '../observability/logger';
import { RepeatLimiter } from '../observability/repeat-limiter';
import { functionChannel, isTraced, traced, type CallMessage } from '../observability/tracing-channels';
import type { LockOptions } from '../reliability/options';
import type { ResilientBackend } from '../reliability/resilient-backend';
import { BackgroundTasks } from './background-tasks';
import { DecodeMemo } from './decode-memo';
import { EntryContexts } from './entry-contexts';
import { throwIfFailClosed, type EntryIo, type LogLevel } from './entry-io';
import { EntryReader, type Loaded } from './entry-reader';
import { EntryWriter } from './entry-writer';
import { judgeEntry, type EntryMeta, type EntryVerdict } from './entry-meta';
import type { EngineCore } from './engine-core';
import { FunctionRuns } from './function-runs';
import { Flights, type Flight } from './flights';
import { stampKey, stampPrefixOfTenant } from '../tags/tag-names';
import { stampsOf } from '../tags/stamps-registry';
import type { TagStamps } from '../tags/tag-stamps';
import { errorSummary } from '../observability/error-summary';
import { L1Tier } from './l1-tier';
import type { EntryContext, ValuePipeline } from './ports';
import type { CacheStats } from './stats';
import { WrittenKeys } from './written-keys';

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

/** Most keys remembered per function for `cacheClear()` on backends that cannot clear by prefix. */
const MAX_REMEMBERED_KEYS = 100_000;

/** The asynchronous part of a cached call. */
export class CacheEngine implements EngineCore {
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
  /** Loads in flight and how each is answered (single-flight; see `flights.ts`). */
  readonly flights: Flights;
  /** Entries carry a frame: tags, or fail-safe's freshness (see `entry-frame.ts`). */
  readonly framed: boolean;
  /** The tag stamp table of this cache's L2, once the backend is known. */
  private stampTable: TagStamps | undefined;
  private readonly backendOf: () => ResilientBackend | null;
  /** The backend once resolved (undefined before the first call that needed it). */
  private resolved: ResilientBackend | null | undefined;
  /** Distributed stampede lock settings. */
  readonly lock: Readonly<LockOptions>;
  private readonly contexts: EntryContexts;
  private readonly failsClosed: boolean;
  readonly reader: EntryReader;
  readonly writer: EntryWriter;
  /** Runs of the function: storing their values, fail-safe, factory timeouts. */
  readonly runs: FunctionRuns;
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
    this.flights = new Flights(this, this.runs);
  }

  /** Loads in flight by key (`many()` takes part in single-flight too). */
  get inflight(): ReadonlyMap<string, Flight> {
    return this.flights.inflight;
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

  /** A flight `many()` settles itself (see `Flights.open`). */
  openFlight(key: string): ReturnType<Flights['open']> {
    return this.flights.open(key);
  }

  /** Counts one call by how its flight was answered (see `Flights.count`). */
  count(loaded: Loaded, trace: CallMessage | undefined): void {
    this.flights.count(loaded, trace);
  }

  /** What a call that joined a flight receives (see `Flights.joinedValue`). */
  joinedValue(loaded: Loaded, fn: (...args: never[]) => unknown, thisArg: unknown, args: readonly unknown[], trace: CallMessage | undefined): unknown {
    return this.flights.joinedValue(loaded, fn, thisArg, args, trace);
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

  /** Removes one entry from every tier and stops in-flight loads of it from writing. */
  async invalidate(key: string): Promise<boolean> {
    this.flights.discard(key);
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
    this.flights.discard();
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

  /**
   * Resolves when every background write and refresh started so far has settled. (A fill's
   * bus announcement may still wait for its gathering: see `FILL_GATHER_MS`.)
   */
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
