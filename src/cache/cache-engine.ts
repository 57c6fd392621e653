/**
 * The call path behind a wrapped function: L1 → L2 → (lock) → function → write back, with
 * single-flight, stale-while-revalidate and invalidation. The synchronous L1 hit path lives
 * in `cached-function.ts`; everything that may await lives here.
 */
import { COMPRESSED_SIZE_FACTOR } from '../codec/codec';
import { EncryptionError, IntegrityError } from '../errors';
import type { ResolvedConfig } from '../config/resolve-options';
import { DEFAULTS } from '../config/options';
import type { L1Cache } from '../l1/l1-cache';
import type { L1Entry } from '../l1/l1-entry';
import { L1Template, copyTemplate, footprintOf } from '../l1/value-template';
import { getLogger, redactKey, type LogFields } from '../observability/logger';
import { runWithLock } from '../reliability/distributed-lock';
import type { LockOptions } from '../reliability/options';
import type { OperationResult } from '../reliability/operation-result';
import type { ResilientBackend } from '../reliability/resilient-backend';
import type { EntryContext, ValuePipeline } from './ports';
import type { CacheStats } from './stats';

/** How a call was answered. */
type Source = 'l2' | 'computed';

/** The shared result of one in-flight load. */
interface Flight {
  /** Cleared once the flight is over (see `load`). */
  promise: Promise<Loaded> | undefined;
  /** Set by invalidation: the result must not be written to any tier. */
  discard: boolean;
}

/** A loaded value with the serializer bytes it came from, so joiners can get fresh copies. */
interface Loaded {
  source: Source;
  value: unknown;
  serialized: Buffer | undefined;
  /** For L2 hits: how long the read took. */
  latencyMs: number;
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

const randomJitter = () => 0.9 + Math.random() * 0.2;

/** Most entry contexts memoised per function before the memo starts over. */
const MAX_REMEMBERED_CONTEXTS = 4096;

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
  private readonly inflight = new Map<string, Flight>();
  private readonly backendOf: () => ResilientBackend | null;
  private readonly lock: Readonly<LockOptions>;
  private readonly contextOf: (key: string) => EntryContext;
  private readonly failClosed: boolean;
  private readonly ttlMs: number;
  private readonly l1TtlMs: number;
  private readonly swrBaseMs: number;
  /** Background writes and refreshes started and not yet settled. */
  private pendingWrites = 0;
  /** `flush()` callers waiting for `pendingWrites` to reach zero. */
  private drainWaiters: Array<() => void> = [];
  /**
   * Keys this function wrote to a backend that cannot clear by prefix (the file backend names
   * files by hash), so `cacheClear()` can still remove them. Bounded; other processes' entries
   * of such a backend are out of reach.
   */
  private readonly writtenKeys = new Set<string>();
  private writtenKeysOverflow = false;
  private readonly contexts = new Map<string, EntryContext>();

  constructor(parts: CacheEngineParts) {
    this.config = parts.config;
    this.owner = parts.owner;
    this.stats = parts.stats;
    this.l1 = parts.l1;
    this.pipeline = parts.pipeline;
    this.reference = parts.config.l1.mode === 'reference';
    this.backendOf = parts.backend;
    this.lock = parts.lock;
    this.contextOf = parts.contextOf;
    this.failClosed = parts.failClosed;
    const ttlSeconds = parts.config.ttlSeconds;
    this.ttlMs = ttlSeconds * 1000;
    const hasL2 = parts.config.backend !== null;
    // L1 expires DEFAULTS.l1ExpiryLeadMs before the L2 copy so it never outlives it; with no
    // L2 expiry it still re-reads after a while so other processes' writes become visible.
    if (!hasL2) this.l1TtlMs = ttlSeconds === 0 ? Number.POSITIVE_INFINITY : this.ttlMs;
    else if (ttlSeconds === 0) this.l1TtlMs = DEFAULTS.l1TtlWhenNoExpirySeconds * 1000;
    else this.l1TtlMs = this.ttlMs - DEFAULTS.l1ExpiryLeadMs;
    this.swrBaseMs =
      parts.config.l1.swr && ttlSeconds > 0 ? this.ttlMs * parts.config.l1.swrThreshold : Number.POSITIVE_INFINITY;
  }

  /** Whether misses take the distributed stampede lock. */
  get lockEnabled(): boolean {
    return this.lock.enabled;
  }

  /** The backend, or null when this cache is L1-only (or the backend could not be built). */
  backend(): ResilientBackend | null {
    return this.backendOf();
  }

  /**
   * Entry context (tenant, logical key) for sealing and opening the entry stored under `key`.
   * Memoised for reads (`remember`): the same object (and logical-key string, whose hash V8
   * then keeps) for the same key lets the codec's per-key memo answer with one lookup. Writes
   * mostly concern keys just missed, which would only churn the memo.
   */
  context(key: string, remember = true): EntryContext {
    let context = this.contexts.get(key);
    if (context === undefined) {
      context = this.contextOf(key);
      if (!remember) return context;
      if (this.contexts.size >= MAX_REMEMBERED_CONTEXTS) this.contexts.clear();
      this.contexts.set(key, context);
    }
    return context;
  }

  /** What the caller receives for an L1 entry: a fresh copy unless the mode is 'reference'. */
  fromL1(entry: L1Entry): unknown {
    const stored = entry.value;
    if (stored instanceof L1Template) return copyTemplate(stored.value);
    if (this.reference) return stored;
    const pipeline = this.pipeline as ValuePipeline;
    if (pipeline.l1HoldsSealed) return pipeline.deserialize(pipeline.open(stored as Buffer, this.context(entry.key)));
    return pipeline.deserialize(stored as Buffer);
  }

  /** Whether an L1 entry is sealed bytes large enough to open off the main thread. */
  isLargeSealed(entry: L1Entry): boolean {
    const stored = entry.value;
    return (
      this.pipeline?.l1HoldsSealed === true &&
      Buffer.isBuffer(stored) &&
      stored.length >= this.pipeline.asyncThreshold / COMPRESSED_SIZE_FACTOR
    );
  }

  /** An L1 hit on a large sealed entry: opened on the thread pool; a bad entry falls back to `load`. */
  async fromLargeSealedL1(
    entry: L1Entry,
    fn: (...args: never[]) => unknown,
    thisArg: unknown,
    args: readonly unknown[],
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const pipeline = this.pipeline as ValuePipeline;
    try {
      return pipeline.deserialize(await pipeline.openAsync(entry.value as Buffer, this.context(entry.key)));
    } catch (error) {
      this.stats.l1Hits--;
      this.l1DecodeFailed(entry, error);
      return this.load(entry.key, fn, thisArg, args, signal);
    }
  }

  /**
   * Puts a decoded value into L1 in its copyable form (a template), or its serialized bytes
   * when it holds types the copier does not know. `decoded` must not be handed out afterwards.
   */
  private putDecoded(key: string, decoded: unknown, serialized: Buffer): void {
    const l1 = this.l1 as L1Cache;
    const footprint = footprintOf(decoded);
    if (footprint === undefined) l1.set(key, serialized, serialized.length, this.l1TtlMs, this.owner, this.swrAfterMs());
    else l1.set(key, new L1Template(decoded), footprint, this.l1TtlMs, this.owner, this.swrAfterMs());
  }

  /**
   * Handles a failed L1 decode: count, log, drop the entry. Throws `EncryptionError` instead
   * when the cache is encrypted and fails closed.
   */
  l1DecodeFailed(entry: L1Entry, error: unknown): void {
    this.stats.counters.integrityErrors++;
    this.log('warn', { key: redactKey(entry.key), err: errorSummary(error) }, 'cachekit: L1 entry failed to decode; dropped');
    this.l1?.delete(entry.key);
    this.throwIfFailClosed(error);
  }

  private throwIfFailClosed(error: unknown): void {
    if (!this.failClosed || this.pipeline?.encrypted !== true) return;
    const code = (error as { code?: unknown }).code;
    throw new EncryptionError('A cached entry failed decryption or authentication and this cache fails closed (encryption.failClosed).', {
      code: typeof code === 'string' ? code : 'ERR_ENCRYPTION',
      cause: error,
    });
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
  ): Promise<unknown> {
    const existing = this.inflight.get(key);
    if (existing !== undefined) {
      this.stats.counters.coalesced++;
      return (existing.promise as Promise<Loaded>).then((loaded) => {
        this.count(loaded);
        return this.freshCopy(loaded);
      });
    }
    const flight: Flight = { promise: undefined, discard: false };
    let promise: Promise<Loaded>;
    try {
      promise = this.loadUncoalesced(flight, key, fn, thisArg, args, signal);
    } catch (error) {
      promise = Promise.reject(error);
    }
    flight.promise = promise;
    this.inflight.set(key, flight);
    return promise.then(
      (loaded) => {
        this.land(key, flight);
        this.count(loaded);
        return loaded.value;
      },
      (error: unknown) => {
        this.land(key, flight);
        throw error;
      },
    );
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
  private count(loaded: Loaded): void {
    if (loaded.source === 'l2') this.stats.recordL2Hit(loaded.latencyMs);
    else this.stats.misses++;
  }

  private freshCopy(loaded: Loaded): unknown {
    if (this.reference || loaded.serialized === undefined || this.pipeline === undefined) return loaded.value;
    return this.pipeline.deserialize(loaded.serialized);
  }

  private loadUncoalesced(
    flight: Flight,
    key: string,
    fn: (...args: never[]) => unknown,
    thisArg: unknown,
    args: readonly unknown[],
    signal: AbortSignal | undefined,
  ): Promise<Loaded> {
    const backend = this.backend();
    if (backend === null) return this.compute(flight, key, fn, thisArg, args, false);
    const started = performance.now();
    // An L2 hit is answered in this one callback; anything else continues in `afterRead`.
    return backend.get(key, signal).then((result) => {
      const read = this.opened(backend, key, result, started);
      if (typeof read === 'object' && !(read instanceof Promise)) return read;
      // A failed read (timeout, breaker open, overload) means the lock would fail too: compute
      // right away instead of paying another deadline.
      if (read === 'failed' || (read === 'miss' && !this.usesLock(backend))) return this.compute(flight, key, fn, thisArg, args, false);
      return this.afterRead(read, flight, backend, key, fn, thisArg, args, signal);
    });
  }

  /** After a read that was not a hit (or is still being opened): the lock on a miss, or the function. */
  private async afterRead(
    pending: 'miss' | 'failed' | Promise<Loaded | 'miss'>,
    flight: Flight,
    backend: ResilientBackend,
    key: string,
    fn: (...args: never[]) => unknown,
    thisArg: unknown,
    args: readonly unknown[],
    signal: AbortSignal | undefined,
  ): Promise<Loaded> {
    const read = typeof pending === 'string' ? pending : await pending;
    if (typeof read === 'object') return read;
    if (read === 'miss' && this.usesLock(backend)) {
      const locked = await runWithLock<Loaded>({
        backend,
        key,
        leaseMs: this.lock.leaseMs,
        waitTimeoutMs: this.lock.waitTimeoutMs,
        signal,
        recheck: async () => {
          const again = await this.readL2(backend, key, signal);
          return typeof again === 'object' ? again : undefined;
        },
        // Waiters poll L2 once the lock is released, so the holder's write must land first.
        compute: ({ lockHeld }) => this.compute(flight, key, fn, thisArg, args, lockHeld),
      });
      return locked.value;
    }
    return this.compute(flight, key, fn, thisArg, args, false);
  }

  private usesLock(backend: ResilientBackend): boolean {
    return this.lock.enabled && backend.supportsLocks;
  }

  /**
   * Reads and opens an L2 entry: the loaded value, `'miss'` (absent or bad bytes, which are
   * deleted), or `'failed'` (the backend did not answer). Rejects only for an encrypted cache
   * that fails closed.
   */
  private readL2(backend: ResilientBackend, key: string, signal: AbortSignal | undefined): Promise<Loaded | 'miss' | 'failed'> {
    const started = performance.now();
    return backend.get(key, signal).then((result) => this.opened(backend, key, result, started));
  }

  /**
   * An L2 answer opened: the loaded value, `'miss'`, `'failed'`, or — for a value large enough
   * to open on the thread pool — a promise of the value or `'miss'`. Throws only for an
   * encrypted cache that fails closed.
   */
  private opened(
    backend: ResilientBackend,
    key: string,
    result: OperationResult<Buffer | null>,
    started: number,
  ): Loaded | 'miss' | 'failed' | Promise<Loaded | 'miss'> {
    if (!result.ok) {
      this.stats.counters.l2ReadFailures++;
      return 'failed';
    }
    const stored = result.value;
    if (stored === null) return 'miss';
    const pipeline = this.pipeline as ValuePipeline;
    if (stored.length >= pipeline.asyncThreshold / COMPRESSED_SIZE_FACTOR) return this.openLarge(backend, key, stored, started);
    let serialized: Buffer;
    let value: unknown;
    try {
      serialized = pipeline.open(stored, this.context(key));
      value = pipeline.deserialize(serialized);
    } catch (error) {
      return this.unreadable(backend, key, error);
    }
    return this.loadedFromL2(backend, key, stored, serialized, value, started);
  }

  /** `opened` for a large value: the envelope is opened on the thread pool. */
  private async openLarge(backend: ResilientBackend, key: string, stored: Buffer, started: number): Promise<Loaded | 'miss'> {
    const pipeline = this.pipeline as ValuePipeline;
    let serialized: Buffer;
    let value: unknown;
    try {
      serialized = await pipeline.openAsync(stored, this.context(key));
      value = pipeline.deserialize(serialized);
    } catch (error) {
      return this.unreadable(backend, key, error);
    }
    return this.loadedFromL2(backend, key, stored, serialized, value, started);
  }

  /** Stored bytes that failed to open: counted, logged, deleted, a miss (or EncryptionError when failing closed). */
  private unreadable(backend: ResilientBackend, key: string, error: unknown): 'miss' {
    this.stats.counters.integrityErrors++;
    backend.recordIntegrityEvent(error);
    this.log(
      'warn',
      { key: redactKey(key), code: (error as { code?: string }).code, err: errorSummary(error) },
      'cachekit: stored entry failed its integrity check; treated as a miss and deleted',
    );
    this.track(backend.delete(key));
    this.throwIfFailClosed(error);
    return 'miss';
  }

  /** A good L2 entry: key-rotation rewrite, L1 fill, TTL refresh; the loaded value. */
  private loadedFromL2(backend: ResilientBackend, key: string, stored: Buffer, serialized: Buffer, value: unknown, started: number): Loaded {
    const pipeline = this.pipeline as ValuePipeline;
    if (pipeline.sealedWithPreviousKey?.(stored, this.context(key)) === true) {
      // Served by a replaced master key: count it (operators watch this reach zero) and
      // rewrite the entry under the current key so the rotation drains.
      this.stats.counters.oldKeyReads++;
      this.track(
        this.store(key, value, true).then((written) => {
          if (written !== undefined) this.stats.counters.keyRotationRewrites++;
        }),
      );
    }
    const latencyMs = performance.now() - started;
    if (this.l1 !== undefined) {
      if (this.reference) this.l1.set(key, value, 0, this.l1TtlMs, this.owner, this.swrAfterMs());
      else if (pipeline.l1HoldsSealed) this.l1.set(key, stored, stored.length, this.l1TtlMs, this.owner, this.swrAfterMs());
      else this.putDecoded(key, copyTemplate(value), serialized);
    }
    if (this.config.refreshTtl.enabled && this.config.ttlSeconds > 0) this.track(this.refreshTtl(backend, key));
    return { source: 'l2', value, serialized, latencyMs };
  }

  private async refreshTtl(backend: ResilientBackend, key: string): Promise<void> {
    if (!backend.supportsTtl) return;
    const remaining = await backend.getTtl(key);
    if (remaining.ok && remaining.value !== null && remaining.value < this.config.ttlSeconds * this.config.refreshTtl.threshold) {
      await backend.refreshTtl(key, Math.ceil(this.config.ttlSeconds));
    }
  }

  /** Runs the function and writes the result down both tiers. User errors propagate unchanged. */
  private async compute(
    flight: Flight,
    key: string,
    fn: (...args: never[]) => unknown,
    thisArg: unknown,
    args: readonly unknown[],
    awaitWrite: boolean,
  ): Promise<Loaded> {
    const value = await (fn as (...a: unknown[]) => unknown).apply(thisArg, args as unknown[]);
    if (flight.discard) return { source: 'computed', value, serialized: undefined, latencyMs: 0 };
    const stored = this.storeNow(key, value, awaitWrite);
    const serialized = stored instanceof Promise ? await stored : stored;
    return { source: 'computed', value, serialized, latencyMs: 0 };
  }

  /**
   * Encodes and writes a value to L1 and L2. Returns the serializer bytes (undefined when
   * the value could not be encoded or was too large: then nothing is cached).
   */
  async store(key: string, value: unknown, awaitWrite: boolean): Promise<Buffer | undefined> {
    return this.storeNow(key, value, awaitWrite);
  }

  /**
   * `store`, answering synchronously unless it has to wait (a large value sealed on the thread
   * pool, or `awaitWrite`): a miss then costs no extra promise hop.
   */
  private storeNow(key: string, value: unknown, awaitWrite: boolean): Buffer | undefined | Promise<Buffer | undefined> {
    const pipeline = this.pipeline as ValuePipeline;
    const backend = this.backend();
    if (this.reference) {
      this.l1?.set(key, value, 0, this.l1TtlMs, this.owner, this.swrAfterMs());
      if (backend === null) return undefined;
    }
    let serialized: Buffer;
    try {
      serialized = pipeline.serialize(value);
    } catch (error) {
      this.stats.counters.encodeErrors++;
      this.log('warn', { key: redactKey(key), err: errorSummary(error) }, 'cachekit: result could not be serialized; returned uncached');
      return undefined;
    }
    if (serialized.length > this.config.maxValueBytes) {
      this.stats.counters.oversizeValues++;
      this.log(
        'warn',
        { key: redactKey(key), bytes: serialized.length, limit: this.config.maxValueBytes },
        'cachekit: result larger than maxValueBytes; returned uncached',
      );
      return undefined;
    }
    if (backend === null && !pipeline.l1HoldsSealed) return this.storeSealed(key, backend, serialized, undefined, awaitWrite);
    if (serialized.length >= pipeline.asyncThreshold) {
      return pipeline.sealAsync(serialized, this.context(key, false)).then(
        (sealed) => this.storeSealed(key, backend, serialized, sealed, awaitWrite),
        (error: unknown) => this.sealingFailed(key, error),
      );
    }
    let sealed: Buffer;
    try {
      sealed = pipeline.seal(serialized, this.context(key, false));
    } catch (error) {
      return this.sealingFailed(key, error);
    }
    return this.storeSealed(key, backend, serialized, sealed, awaitWrite);
  }

  private sealingFailed(key: string, error: unknown): undefined {
    this.stats.counters.encodeErrors++;
    this.log('error', { key: redactKey(key), err: errorSummary(error) }, 'cachekit: sealing failed; returned uncached');
    return undefined;
  }

  /** The rest of `storeNow` once the value is sealed (`sealed` undefined: nothing to seal for). */
  private storeSealed(
    key: string,
    backend: ResilientBackend | null,
    serialized: Buffer,
    sealed: Buffer | undefined,
    awaitWrite: boolean,
  ): Buffer | undefined | Promise<Buffer | undefined> {
    const pipeline = this.pipeline as ValuePipeline;
    if (this.l1 !== undefined && !this.reference) {
      if (pipeline.l1HoldsSealed) {
        const bytes = sealed as Buffer;
        this.l1.set(key, bytes, bytes.length, this.l1TtlMs, this.owner, this.swrAfterMs());
      } else {
        let decoded: unknown;
        try {
          decoded = pipeline.deserialize(serialized);
        } catch (error) {
          // The serializer cannot read its own output for this value: caching it would only
          // produce misses (or worse), so nothing is stored.
          this.stats.counters.encodeErrors++;
          this.log('warn', { key: redactKey(key), err: errorSummary(error) }, 'cachekit: result does not survive its serializer; returned uncached');
          return undefined;
        }
        this.putDecoded(key, decoded, serialized);
      }
    }
    if (backend !== null && sealed !== undefined) {
      if (typeof backend.backend.clearPrefix !== 'function') this.rememberWrittenKey(key);
      const write = backend.set(key, sealed, Math.ceil(this.config.ttlSeconds));
      if (awaitWrite) {
        return write.then((ok) => {
          this.countWrite(ok);
          return serialized;
        });
      }
      this.pendingWrites++;
      write.then(this.backgroundWriteSettled, this.backgroundSettled);
    }
    return serialized;
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
      const value = await (fn as (...a: unknown[]) => unknown).apply(thisArg, args as unknown[]);
      if (l1.peek(key)?.generation !== generation) return;
      await this.store(key, value, true);
      // Invalidated while the L2 write was in flight: take the resurrected copy back out.
      const now = l1.peek(key);
      if (now === undefined || now.generation <= generation) await this.backend()?.delete(key);
    })().catch((error: unknown) => {
      this.log('debug', { key: redactKey(key), err: errorSummary(error) }, 'cachekit: background refresh failed; serving the cached value until it expires');
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
    const backend = this.backend();
    const inL2 = backend !== null ? await backend.delete(key) : undefined;
    return inL1 || (inL2?.ok === true && inL2.value);
  }

  /** Removes every entry of this function (all keys under `prefixes`) from every tier. */
  async clear(prefixes: readonly string[]): Promise<number> {
    for (const flight of this.inflight.values()) flight.discard = true;
    this.inflight.clear();
    let removed = this.l1?.deleteOwner(this.owner, prefixes) ?? 0;
    const backend = this.backend();
    if (backend !== null && typeof backend.backend.clearPrefix === 'function') {
      for (const prefix of prefixes) {
        const result = await backend.clearPrefix(prefix);
        if (result.ok) removed += result.value;
        else this.log('warn', { prefix: redactKey(prefix), reason: result.reason }, 'cachekit: cacheClear could not clear the shared tier');
      }
    } else if (backend !== null) {
      for (const key of [...this.writtenKeys]) {
        if (!prefixes.some((prefix) => key.startsWith(prefix))) continue;
        this.writtenKeys.delete(key);
        const result = await backend.delete(key);
        if (result.ok && result.value) removed++;
      }
    }
    this.stats.reset();
    return removed;
  }

  /** Resolves when every background write and refresh started so far has settled. */
  flush(): Promise<void> {
    if (this.pendingWrites === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private rememberWrittenKey(key: string): void {
    if (this.writtenKeys.size < MAX_REMEMBERED_KEYS) {
      this.writtenKeys.add(key);
    } else if (!this.writtenKeysOverflow) {
      this.writtenKeysOverflow = true;
      this.log('warn', { limit: MAX_REMEMBERED_KEYS }, 'cachekit: too many keys to remember for cacheClear on a backend without prefix clearing; older entries will only expire');
    }
  }

  private swrAfterMs(): number {
    return this.swrBaseMs === Number.POSITIVE_INFINITY ? this.swrBaseMs : this.swrBaseMs * randomJitter();
  }

  /**
   * Counts a background task until it settles (`flush()` waits for the count to reach zero).
   * A count and shared callbacks, rather than a set of wrapper promises: nothing is allocated
   * per write but the one callback registration.
   */
  private track(promise: Promise<unknown>): void {
    this.pendingWrites++;
    promise.then(this.backgroundSettled, this.backgroundSettled);
  }

  private countWrite(ok: boolean): void {
    if (!ok) this.stats.counters.l2WriteFailures++;
  }

  private readonly backgroundWriteSettled = (ok: boolean): void => {
    this.countWrite(ok);
    this.backgroundSettled();
  };

  private readonly backgroundSettled = (): void => {
    if (--this.pendingWrites > 0) return;
    const waiters = this.drainWaiters;
    if (waiters.length === 0) return;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  };

  /** Logs through the cache's logger, or the process logger. */
  log(level: 'debug' | 'info' | 'warn' | 'error', fields: LogFields, message: string): void {
    const logger = this.config.logger ?? getLogger();
    logger[level]({ cache: `${this.config.module}.${this.config.name}`, ...fields }, message);
  }
}

/** A one-line description of an error for logs (never values or key material). */
export function errorSummary(error: unknown): string {
  if (error instanceof IntegrityError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return `${(error as { code?: string }).code ?? error.name}: ${error.message}`;
  return String(error);
}
