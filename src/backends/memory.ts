/**
 * In-process backend for tests and single-process use. Same semantics as the shared backends
 * (TTL, locks, batching, prefix clear) with a byte budget and an entry cap enforced by
 * least-recently-used eviction. Values are copied on the way in and out, so a caller that
 * mutates a Buffer never changes what is stored.
 */
import { ConfigurationError } from '../errors';
import {
  checkKey,
  checkPrefix,
  checkPositiveTtl,
  checkTtlSeconds,
  checkLockCall,
  checkValue,
  valueTooLarge,
  backendClosed,
} from './arguments';
import { abortedError } from './abort';
import { lockKeyOf } from './lock-key';
import { RecencyList } from '../collections/recency-list';
import type { BackendCallOptions, BackendEntry, BackendHealth, CacheBackend } from './types';

/** Options of `MemoryBackend`. */
export interface MemoryBackendOptions {
  /** Byte budget for values plus keys. Default 100 MiB: plenty for tests, bounded for services. */
  maxSizeBytes?: number;
  /** Entry cap. Default 10 000, like the file backend. */
  maxEntries?: number;
  /**
   * Largest single value. Default half of `maxSizeBytes`: a value bigger than that would evict
   * most of the cache on its own.
   */
  maxValueBytes?: number;
  /** Clock in milliseconds since the epoch; tests inject a fake one. Default `Date.now`. */
  clock?: () => number;
}

/** Defaults of `MemoryBackendOptions`. */
export const MEMORY_BACKEND_DEFAULTS = { maxSizeBytes: 100 * 1024 * 1024, maxEntries: 10_000 } as const;

class MemoryEntry {
  prev: MemoryEntry | null = null;
  next: MemoryEntry | null = null;

  constructor(
    readonly key: string,
    readonly value: Buffer,
    /** Absolute expiry in ms, 0 = never. */
    public expiresAt: number,
  ) {}
}

interface MemoryLock {
  token: string;
  expiresAt: number;
}

const BACKEND = 'memory';

function positiveInteger(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  throw new ConfigurationError(
    `MemoryBackend option \`${option}\` must be a positive integer; got ${JSON.stringify(value)}. ` +
      `Fix: pass a whole number above 0 or leave it out for the default.`,
  );
}

/** The in-process backend. */
export class MemoryBackend implements CacheBackend {
  readonly backendType = 'memory';
  /** Configured byte budget. */
  readonly maxSizeBytes: number;
  /** Configured entry cap. */
  readonly maxEntries: number;
  /** Configured largest value. */
  readonly maxValueBytes: number;

  private readonly entries = new Map<string, MemoryEntry>();
  /** Least recently used at the tail: the eviction victim. */
  private readonly recency = new RecencyList<MemoryEntry>();
  private readonly locks = new Map<string, MemoryLock>();
  private sizeBytes = 0;
  private closed = false;
  private readonly now: () => number;

  constructor(options: MemoryBackendOptions = {}) {
    this.maxSizeBytes = positiveInteger(options.maxSizeBytes, 'maxSizeBytes', MEMORY_BACKEND_DEFAULTS.maxSizeBytes);
    this.maxEntries = positiveInteger(options.maxEntries, 'maxEntries', MEMORY_BACKEND_DEFAULTS.maxEntries);
    this.maxValueBytes = positiveInteger(options.maxValueBytes, 'maxValueBytes', Math.floor(this.maxSizeBytes / 2));
    if (this.maxValueBytes > this.maxSizeBytes) {
      throw new ConfigurationError(
        `MemoryBackend option \`maxValueBytes\` (${this.maxValueBytes}) exceeds \`maxSizeBytes\` (${this.maxSizeBytes}). ` +
          `Fix: lower maxValueBytes or raise maxSizeBytes.`,
      );
    }
    this.now = options.clock ?? Date.now;
  }

  /** Number of live and not yet collected entries. */
  get size(): number {
    return this.entries.size;
  }

  /** Bytes held (values plus keys). */
  get bytes(): number {
    return this.sizeBytes;
  }

  private guard(operation: string, key: string | undefined, options: BackendCallOptions | undefined): void {
    if (this.closed) throw backendClosed(BACKEND, operation, key);
    if (options?.signal?.aborted) throw abortedError({ backend: BACKEND, operation, key }, options.signal);
  }

  /** The live entry under `key`, removing it when expired. */
  private live(key: string): MemoryEntry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== 0 && this.now() >= entry.expiresAt) {
      this.remove(key, entry);
      return undefined;
    }
    return entry;
  }

  private remove(key: string, entry: MemoryEntry): void {
    this.entries.delete(key);
    this.release(entry);
  }

  /** Takes `entry` out of the recency list and the byte count (not out of the Map). */
  private release(entry: MemoryEntry): void {
    this.recency.detach(entry);
    this.sizeBytes -= entry.value.length + entry.key.length;
  }

  private expiry(ttlSeconds: number): number {
    return ttlSeconds === 0 ? 0 : this.now() + ttlSeconds * 1000;
  }

  private store(key: string, value: Buffer, ttlSeconds: number): void {
    const previous = this.entries.get(key);
    // The new entry overwrites the old one's Map slot (see RecencyList for why not delete + set).
    if (previous !== undefined) this.release(previous);
    const entry = new MemoryEntry(key, Buffer.from(value), this.expiry(ttlSeconds));
    this.entries.set(key, entry);
    this.recency.pushHead(entry);
    this.sizeBytes += value.length + key.length;
    while ((this.sizeBytes > this.maxSizeBytes || this.entries.size > this.maxEntries) && this.recency.tail !== null) {
      const victim = this.recency.tail;
      this.remove(victim.key, victim);
    }
  }

  async get(key: string, options?: BackendCallOptions): Promise<Buffer | null> {
    checkKey(BACKEND, 'get', key);
    this.guard('get', key, options);
    const entry = this.live(key);
    if (entry === undefined) return null;
    this.recency.moveToHead(entry);
    return Buffer.from(entry.value);
  }

  async set(key: string, value: Buffer, ttlSeconds?: number, options?: BackendCallOptions): Promise<void> {
    checkKey(BACKEND, 'set', key);
    checkValue(BACKEND, 'set', key, value);
    const ttl = checkTtlSeconds(BACKEND, 'set', key, ttlSeconds);
    this.guard('set', key, options);
    this.checkSize(key, value);
    this.store(key, value, ttl);
  }

  private checkSize(key: string, value: Buffer): void {
    if (value.length > this.maxValueBytes) throw valueTooLarge(BACKEND, 'set', key, value.length, this.maxValueBytes);
  }

  async delete(key: string, options?: BackendCallOptions): Promise<boolean> {
    checkKey(BACKEND, 'delete', key);
    this.guard('delete', key, options);
    const entry = this.live(key);
    if (entry === undefined) return false;
    this.remove(key, entry);
    return true;
  }

  async exists(key: string, options?: BackendCallOptions): Promise<boolean> {
    checkKey(BACKEND, 'exists', key);
    this.guard('exists', key, options);
    return this.live(key) !== undefined;
  }

  async healthCheck(): Promise<BackendHealth> {
    return {
      ok: true,
      latencyMs: 0,
      backendType: this.backendType,
      details: {
        entries: this.entries.size,
        sizeBytes: this.sizeBytes,
        maxSizeBytes: this.maxSizeBytes,
        maxEntries: this.maxEntries,
      },
    };
  }

  async getTtl(key: string, options?: BackendCallOptions): Promise<number | null> {
    checkKey(BACKEND, 'getTtl', key);
    this.guard('getTtl', key, options);
    const entry = this.live(key);
    if (entry === undefined || entry.expiresAt === 0) return null;
    return Math.max(1, Math.ceil((entry.expiresAt - this.now()) / 1000));
  }

  async refreshTtl(key: string, ttlSeconds: number, options?: BackendCallOptions): Promise<boolean> {
    checkKey(BACKEND, 'refreshTtl', key);
    const ttl = checkPositiveTtl(BACKEND, 'refreshTtl', key, ttlSeconds);
    this.guard('refreshTtl', key, options);
    const entry = this.live(key);
    if (entry === undefined) return false;
    entry.expiresAt = this.expiry(ttl);
    return true;
  }

  private liveLock(lockKey: string): MemoryLock | undefined {
    const lock = this.locks.get(lockKey);
    if (lock !== undefined && this.now() >= lock.expiresAt) {
      this.locks.delete(lockKey);
      return undefined;
    }
    return lock;
  }

  async acquireLock(key: string, token: string, leaseMs: number, options?: BackendCallOptions): Promise<boolean> {
    checkLockCall(BACKEND, 'acquireLock', key, token, leaseMs);
    this.guard('acquireLock', key, options);
    const lockKey = lockKeyOf(key);
    if (this.liveLock(lockKey) !== undefined) return false;
    this.locks.set(lockKey, { token, expiresAt: this.now() + leaseMs });
    return true;
  }

  async renewLock(key: string, token: string, leaseMs: number, options?: BackendCallOptions): Promise<boolean> {
    checkLockCall(BACKEND, 'renewLock', key, token, leaseMs);
    this.guard('renewLock', key, options);
    const lock = this.liveLock(lockKeyOf(key));
    if (lock === undefined || lock.token !== token) return false;
    lock.expiresAt = this.now() + leaseMs;
    return true;
  }

  async releaseLock(key: string, token: string, options?: BackendCallOptions): Promise<boolean> {
    checkLockCall(BACKEND, 'releaseLock', key, token);
    this.guard('releaseLock', key, options);
    const lockKey = lockKeyOf(key);
    const lock = this.liveLock(lockKey);
    if (lock === undefined || lock.token !== token) return false;
    this.locks.delete(lockKey);
    return true;
  }

  async getMany(keys: readonly string[], options?: BackendCallOptions): Promise<Array<Buffer | null>> {
    this.guard('getMany', undefined, options);
    const results: Array<Buffer | null> = [];
    for (const key of keys) results.push(await this.get(key));
    return results;
  }

  async setMany(entries: readonly BackendEntry[], options?: BackendCallOptions): Promise<void> {
    this.guard('setMany', undefined, options);
    // Validate everything first so a bad entry does not leave the batch half written.
    const checked = entries.map(({ key, value, ttlSeconds }) => {
      checkKey(BACKEND, 'setMany', key);
      checkValue(BACKEND, 'setMany', key, value);
      const ttl = checkTtlSeconds(BACKEND, 'setMany', key, ttlSeconds);
      this.checkSize(key, value);
      return { key, value, ttl };
    });
    for (const { key, value, ttl } of checked) this.store(key, value, ttl);
  }

  async clearPrefix(prefix: string, options?: BackendCallOptions): Promise<number> {
    checkPrefix(BACKEND, prefix);
    this.guard('clearPrefix', prefix, options);
    let removed = 0;
    const now = this.now();
    for (const [key, entry] of [...this.entries]) {
      if (!key.startsWith(prefix)) continue;
      if (entry.expiresAt === 0 || now < entry.expiresAt) removed += 1;
      this.remove(key, entry);
    }
    for (const lockKey of [...this.locks.keys()]) {
      if (lockKey.startsWith(prefix)) this.locks.delete(lockKey);
    }
    return removed;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.entries.clear();
    this.recency.clear();
    this.locks.clear();
    this.sizeBytes = 0;
  }
}
