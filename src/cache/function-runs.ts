/**
 * Runs of the wrapped function for a flight: storing the value it returns (with its frame, for
 * tagged and fail-safe caches), and what happens when it fails or is slow — the stale value
 * fail-safe keeps, or the function's own error — with the factory timeouts bounding the wait
 * (never the run: a run the caller stopped waiting for still stores its value when it ends),
 * and stale-while-revalidate's refreshes in the background.
 */
import type { L1Cache } from '../l1/l1-cache';
import type { L1Entry } from '../l1/l1-entry';
import { keyField, type LogFields } from '../observability/logger';
import { errorSummary } from '../observability/error-summary';
import { awaitRun, hardTimeoutError, type RunOutcome } from '../fail-safe/factory-run';
import type { StaleValue } from '../fail-safe/stale-value';
import { tagsOfCall } from '../tags/tag-options';
import type { EngineCore } from './engine-core';
import type { Flight } from './flight';
import { EntryMeta } from './entry-meta';
import type { Loaded } from './entry-reader';
import type { EntryWriter, HeldLockWrite, Kept } from './entry-writer';
import { L1Template } from '../l1/value-template';

const NO_TAGS: readonly string[] = Object.freeze([]);

/** A computed flight's answer, with what its joiners copy from (see `Kept`). */
function loadedOf(source: 'computed' | 'bypassed', value: unknown, kept: Kept): Loaded {
  if (kept instanceof L1Template) return { source, value, serialized: undefined, latencyMs: 0, stale: undefined, joinTemplate: kept };
  return { source, value, serialized: kept, latencyMs: 0, stale: undefined };
}

/** One function's runs (see the file comment). */
export class FunctionRuns {
  constructor(
    private readonly engine: EngineCore,
    private readonly writer: EntryWriter,
  ) {}

  /**
   * Runs the function and writes the result down both tiers. User errors propagate unchanged,
   * unless fail-safe has a `stale` value to serve instead. `source` says why it ran: a miss, or
   * L2 could not answer. With factory timeouts the wait is bounded; the run never is.
   */
  async compute(
    flight: Flight,
    key: string,
    fn: (...args: never[]) => unknown,
    thisArg: unknown,
    args: readonly unknown[],
    awaitWrite: boolean,
    source: 'computed' | 'bypassed',
    stale: StaleValue | undefined,
    /** The lock this call holds, if any (released once the L2 write has landed). */
    held?: HeldLockWrite,
  ): Promise<Loaded> {
    // Taken before the run: a tag stamped while the function runs invalidates what it returns.
    const createdAt = Date.now();
    const { softMs, hardMs } = this.engine.config.factoryTimeout;
    if (stale === undefined && hardMs === undefined) {
      const value = await this.engine.runFunction(fn, thisArg, args, false);
      return this.stored(flight, key, value, createdAt, thisArg, args, awaitWrite, source, held);
    }
    let result: unknown;
    try {
      result = this.engine.runFunction(fn, thisArg, args, false);
    } catch (error) {
      result = Promise.reject(error);
    }
    const outcome: RunOutcome = await awaitRun(result, stale === undefined ? undefined : softMs, hardMs);
    if (outcome.kind === 'value') return this.stored(flight, key, outcome.value, createdAt, thisArg, args, awaitWrite, source, held);
    if (outcome.kind === 'error') return this.failSafeOr(flight, key, stale, outcome.kind, outcome.error);
    this.ranOver(outcome.kind);
    // The run goes on: its value is stored when it arrives, unless an invalidation came first.
    this.engine.track(
      outcome.pending.then(
        (value) => (flight.discard ? undefined : this.stored(flight, key, value, createdAt, thisArg, args, false, source)),
        (error: unknown) => this.lateRunFailed(key, error),
      ),
    );
    return this.failSafeOr(flight, key, stale, outcome.kind, undefined);
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
    this.engine.stats.counters.swrRefreshes++;
    const generation = entry.generation;
    const key = entry.key;
    const l1 = this.engine.l1 as L1Cache;
    const refresh = (async () => {
      const createdAt = Date.now();
      const value = await this.engine.runFunction(fn, thisArg, args, true);
      if (l1.peek(key)?.generation !== generation) return;
      const meta = this.metaFor(key, createdAt, thisArg, args, value);
      if (meta === null) return;
      await this.writer.store(key, value, true, meta);
      // Invalidated while the L2 write was in flight: take the resurrected copy back out.
      const now = l1.peek(key);
      if (now === undefined || now.generation <= generation) await this.engine.backend()?.delete(key);
    })().catch((error: unknown) => {
      this.engine.log('debug', { ...keyField('key', key), err: errorSummary(error) }, 'cachekit: background refresh failed; serving the cached value until it expires');
    });
    this.engine.track(refresh);
  }

  /** Counts a run still going at a factory timeout. */
  ranOver(kind: 'soft-timeout' | 'hard-timeout'): void {
    this.engine.stats.counters[kind === 'soft-timeout' ? 'softTimeouts' : 'hardTimeouts']++;
  }

  /** A run the caller stopped waiting for failed later: nothing is stored. */
  lateRunFailed(key: string | undefined, error: unknown): void {
    this.engine.log('debug', { ...(key === undefined ? {} : keyField('key', key)), err: errorSummary(error) }, 'cachekit: a run the caller stopped waiting for failed; nothing was stored');
  }

  /**
   * The function failed (`error`) or passed a factory timeout: the stale value when fail-safe
   * has one, else the function's own error (or `FactoryTimeoutError`).
   */
  failSafeOr(flight: Flight, key: string, stale: StaleValue | undefined, why: 'error' | 'soft-timeout' | 'hard-timeout', error: unknown): Loaded {
    if (stale !== undefined) return this.servedStale(flight, key, stale, why, error);
    if (why === 'error') throw error;
    throw hardTimeoutError(this.engine.label, this.engine.config.factoryTimeout.hardMs ?? 0);
  }

  /**
   * Stores a value the function returned and makes it the flight's answer (uncached when it
   * cannot be stored). Answers synchronously unless the store has to wait: a memory-only miss
   * then resolves `compute` with a plain object, not a promise (one promise hop less).
   */
  stored(
    flight: Flight,
    key: string,
    value: unknown,
    createdAt: number,
    thisArg: unknown,
    args: readonly unknown[],
    awaitWrite: boolean,
    source: 'computed' | 'bypassed',
    held?: HeldLockWrite,
  ): Loaded | Promise<Loaded> {
    if (flight.discard) return { source, value, serialized: undefined, latencyMs: 0, stale: undefined };
    let stored: Kept | Promise<Kept>;
    try {
      const meta = this.metaFor(key, createdAt, thisArg, args, value);
      stored = meta === null ? undefined : this.writer.storeNow(key, value, awaitWrite, meta, held);
    } catch (error) {
      this.storeFailed(key, error);
      stored = undefined;
    }
    if (!(stored instanceof Promise)) return loadedOf(source, value, stored);
    return stored.then(
      (kept) => loadedOf(source, value, kept),
      (error: unknown) => {
        this.storeFailed(key, error);
        return loadedOf(source, value, undefined);
      },
    );
  }

  /** The function has answered: a failure while storing its result costs the caching only. */
  private storeFailed(key: string, error: unknown): void {
    this.engine.stats.counters.followUpErrors++;
    this.engine.log('warn', { ...keyField('key', key), err: errorSummary(error) }, 'cachekit: storing a result failed; returned uncached');
  }

  /**
   * The frame of a value about to be stored (undefined for ordinary caches), or null when its
   * tags cannot be computed: the value is then returned uncached (counted and logged).
   */
  metaFor(key: string, createdAt: number, thisArg: unknown, args: readonly unknown[], value: unknown): EntryMeta | undefined | null {
    if (!this.engine.framed) return undefined;
    let tags = NO_TAGS;
    const tagging = this.engine.config.tags;
    if (tagging !== undefined) {
      try {
        tags = tagsOfCall(tagging, thisArg, args, value);
      } catch (error) {
        this.engine.stats.counters.encodeErrors++;
        this.engine.log('warn', { ...keyField('key', key), err: errorSummary(error) }, 'cachekit: the tags of a result could not be computed; returned uncached');
        return null;
      }
    }
    const freshUntil = this.engine.config.failSafe === undefined ? Number.POSITIVE_INFINITY : createdAt + this.engine.config.ttlSeconds * 1000;
    return EntryMeta.of(key, { createdAt, freshUntil, tags });
  }

  /**
   * Fail-safe: the function failed (`error`) or is too slow; the caller gets the stale value,
   * which L1 then serves for `failSafe.retryAfter` before the function is tried again. If even
   * the stale value cannot be read, the caller gets the function's own error.
   */
  private servedStale(flight: Flight, key: string, stale: StaleValue, why: 'error' | 'soft-timeout' | 'hard-timeout', error: unknown): Loaded {
    let value: unknown;
    try {
      value = stale.value();
    } catch {
      if (why === 'error') throw error;
      throw hardTimeoutError(this.engine.label, this.engine.config.factoryTimeout.hardMs ?? this.engine.config.factoryTimeout.softMs ?? 0);
    }
    const fields: LogFields = { ...keyField('key', key), why, ageMs: Date.now() - stale.createdAt };
    this.engine.log('warn', error === undefined ? fields : { ...fields, err: errorSummary(error) }, 'cachekit: served a stale value (fail-safe): the function failed or was too slow');
    const retryAfterMs = this.engine.config.failSafe?.retryAfterMs ?? 0;
    if (retryAfterMs > 0 && !flight.discard) stale.keep(retryAfterMs);
    return { source: 'stale', value, serialized: undefined, latencyMs: 0, stale };
  }
}
