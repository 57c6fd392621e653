/**
 * The in-process tier: a synchronous LRU bounded by bytes (and optionally by entry count),
 * with a TTL per entry. The hit path never awaits and never calls native code.
 */
import { L1Entry } from './l1-entry';
import { RecencyList } from '../collections/recency-list';

/** Construction options of an L1 cache. */
export interface L1CacheOptions {
  /** Byte budget; entries are evicted least-recently-used first to stay within it. */
  maxBytes: number;
  /** Optional cap on the number of entries. */
  maxEntries?: number;
  /** How often expired entries are swept in the background (ms); 0 disables the sweep. */
  sweepIntervalMs?: number;
  /** Clock in epoch ms; injectable for tests. */
  now?: () => number;
}

/** Counters exposed by `L1Cache.stats()`. */
export interface L1Stats {
  entries: number;
  bytes: number;
  maxBytes: number;
  maxEntries: number;
  evictions: number;
  expirations: number;
  rejectedTooLarge: number;
}

/** Fixed per-entry overhead charged on top of value and key bytes (Map slot, entry object). */
export const L1_ENTRY_OVERHEAD_BYTES = 96;

/** Longest sweep slice, so a sweep over a million entries never stalls the event loop. */
const SWEEP_SLICE_ENTRIES = 10_000;

/** Slots of the hashed table of deletion marks (see `L1Cache.mark`). */
const DELETION_MARK_SLOTS = 4096;

/** FNV-1a over UTF-16 code units, folded into a deletion-mark slot. */
function markSlot(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % DELETION_MARK_SLOTS;
}

/**
 * A byte-budgeted LRU with per-entry TTL.
 *
 * Deletions leave marks: a value read from L2 *before* its key was deleted here (an
 * invalidation, in this process or announced by another) must not be put back afterwards, or the
 * invalidation would be undone by a read that was merely slower. A reader takes `mark()` before
 * it reads and passes it to `set`; a key deleted since (or any key, after a wide deletion) is
 * then not stored. Marks are kept in a small hashed table: a collision only skips a fill.
 */
export class L1Cache {
  private readonly map = new Map<string, L1Entry>();
  /** Deletion clock: advanced by every deletion that leaves a mark. */
  private deletions = 0;
  /** Per slot, the deletion clock when a key of that slot was last deleted. */
  private readonly deletedAt = new Float64Array(DELETION_MARK_SLOTS);
  /** The deletion clock of the last wide deletion (by owner, prefix, or everything). */
  private everythingDeletedAt = 0;
  /** Live entries per owner id (owner ids are small consecutive integers). */
  private readonly ownerCounts: number[] = [];
  private readonly recency = new RecencyList<L1Entry>();
  private bytes = 0;
  private generation = 0;
  private evictions = 0;
  private expirations = 0;
  private rejectedTooLarge = 0;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweepCursor: Iterator<L1Entry> | undefined;
  readonly maxBytes: number;
  readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: L1CacheOptions) {
    this.maxBytes = options.maxBytes;
    this.maxEntries = options.maxEntries ?? Number.POSITIVE_INFINITY;
    // Read Date.now at call time (not captured once) so a replaced clock, e.g. in tests, is honoured.
    this.now = options.now ?? (() => Date.now());
    const interval = options.sweepIntervalMs ?? 30_000;
    if (interval > 0) {
      this.sweepTimer = setInterval(() => this.sweepSlice(), interval);
      this.sweepTimer.unref();
    }
  }

  /** Number of live (possibly expired, not yet swept) entries. */
  get size(): number {
    return this.map.size;
  }

  /** Bytes currently charged. */
  get currentBytes(): number {
    return this.bytes;
  }

  /**
   * The entry for `key` if present and unexpired; marks it most recently used. Callers that
   * already read the clock pass `now` to save a second read on the hit path.
   */
  get(key: string, now: number = this.now()): L1Entry | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.unlink(entry);
      this.expirations++;
      return undefined;
    }
    this.recency.moveToHead(entry);
    return entry;
  }

  /** The entry for `key` without touching recency or expiry (for generation checks). */
  peek(key: string): L1Entry | undefined {
    return this.map.get(key);
  }

  /** The current deletion clock: take it before reading a value from elsewhere, pass it to `set`. */
  mark(): number {
    return this.deletions;
  }

  /** Whether `key` was deleted (on its own or by a wide deletion) after `mark` was taken. */
  deletedSince(key: string, mark: number): boolean {
    return this.everythingDeletedAt > mark || (this.deletions > mark && this.deletedAt[markSlot(key)]! > mark);
  }

  /**
   * Stores `value`. Returns the new entry, or undefined when it was not stored: a value larger
   * than the whole budget (counted), a TTL that has already run out, or a value read before
   * `readMark` whose key was deleted since (see the class comment). `meta` is kept on the entry
   * for the cache layer (see `L1Entry.meta`).
   */
  set(
    key: string,
    value: unknown,
    valueBytes: number,
    ttlMs: number,
    owner: number,
    refreshAfterMs = Number.POSITIVE_INFINITY,
    readMark?: number,
    meta?: unknown,
  ): L1Entry | undefined {
    if (readMark !== undefined && this.deletedSince(key, readMark)) return undefined;
    const size = valueBytes + key.length * 2 + L1_ENTRY_OVERHEAD_BYTES;
    const existing = this.map.get(key);
    // A replaced entry keeps its Map slot (the new entry overwrites it): see RecencyList.
    if (existing !== undefined) this.release(existing);
    if (size > this.maxBytes || !(ttlMs > 0)) {
      if (existing !== undefined) this.map.delete(key);
      if (size > this.maxBytes) this.rejectedTooLarge++;
      return undefined;
    }
    const now = this.now();
    const entry = new L1Entry(key, value, size, now + ttlMs, now + refreshAfterMs, ++this.generation, owner, meta);
    this.map.set(key, entry);
    this.recency.pushHead(entry);
    this.bytes += size;
    this.ownerCounts[owner] = (this.ownerCounts[owner] ?? 0) + 1;
    this.evictToFit();
    return entry;
  }

  /**
   * Replaces the value of a stored entry in place — same generation, recency and expiry — and
   * charges its new size (evicting to fit). An entry no longer stored is left alone.
   */
  replaceValue(entry: L1Entry, value: unknown, valueBytes: number): void {
    if (this.map.get(entry.key) !== entry) return;
    const size = valueBytes + entry.key.length * 2 + L1_ENTRY_OVERHEAD_BYTES;
    this.bytes += size - entry.size;
    entry.value = value;
    entry.size = size;
    this.evictToFit();
  }

  /** Removes `key` and marks it deleted (even when absent: a read of it may be in flight); true if it was present. */
  delete(key: string): boolean {
    this.deletedAt[markSlot(key)] = ++this.deletions;
    const entry = this.map.get(key);
    if (entry === undefined) return false;
    this.unlink(entry);
    return true;
  }

  /** Removes every entry written by `owner` (whose key starts with one of `prefixes`, if given); returns how many. */
  deleteOwner(owner: number, prefixes?: readonly string[]): number {
    this.everythingDeletedAt = ++this.deletions;
    let removed = 0;
    for (const entry of this.map.values()) {
      if (entry.owner === owner && (prefixes === undefined || prefixes.some((p) => entry.key.startsWith(p)))) {
        this.unlink(entry);
        removed++;
      }
    }
    return removed;
  }

  /** Removes every entry of the given owners; returns how many. */
  deleteOwners(owners: ReadonlySet<number>): number {
    this.everythingDeletedAt = ++this.deletions;
    let removed = 0;
    for (const entry of this.map.values()) {
      if (owners.has(entry.owner)) {
        this.unlink(entry);
        removed++;
      }
    }
    return removed;
  }

  /** Removes every entry whose key starts with `prefix`, of any owner; returns how many. */
  deletePrefix(prefix: string): number {
    this.everythingDeletedAt = ++this.deletions;
    let removed = 0;
    for (const entry of this.map.values()) {
      if (entry.key.startsWith(prefix)) {
        this.unlink(entry);
        removed++;
      }
    }
    return removed;
  }

  /** Shortens the lifetime of every entry of the given owners to end by `untilEpochMs` at the latest. */
  capLifetimes(owners: ReadonlySet<number>, untilEpochMs: number): void {
    for (const entry of this.map.values()) {
      if (owners.has(entry.owner) && entry.expiresAt > untilEpochMs) entry.expiresAt = untilEpochMs;
    }
  }

  /** Number of live entries written by `owner`. */
  countOf(owner: number): number {
    return this.ownerCounts[owner] ?? 0;
  }

  /** Removes everything. */
  clear(): void {
    this.everythingDeletedAt = ++this.deletions;
    this.map.clear();
    this.ownerCounts.length = 0;
    this.recency.clear();
    this.bytes = 0;
    this.sweepCursor = undefined;
  }

  /** Counters and sizes. */
  stats(): L1Stats {
    return {
      entries: this.map.size,
      bytes: this.bytes,
      maxBytes: this.maxBytes,
      maxEntries: this.maxEntries,
      evictions: this.evictions,
      expirations: this.expirations,
      rejectedTooLarge: this.rejectedTooLarge,
    };
  }

  /** Removes expired entries, a bounded slice at a time (called by the background timer). */
  sweepSlice(maxEntries = SWEEP_SLICE_ENTRIES): number {
    const now = this.now();
    let removed = 0;
    this.sweepCursor ??= this.map.values();
    for (let visited = 0; visited < maxEntries; visited++) {
      const step = this.sweepCursor.next();
      if (step.done === true) {
        this.sweepCursor = undefined;
        break;
      }
      const entry = step.value;
      if (entry.expiresAt <= now && this.map.get(entry.key) === entry) {
        this.unlink(entry);
        this.expirations++;
        removed++;
      }
    }
    return removed;
  }

  /** Stops the background sweep; the cache stays usable. */
  close(): void {
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  private evictToFit(): void {
    while ((this.bytes > this.maxBytes || this.map.size > this.maxEntries) && this.recency.tail !== null) {
      this.unlink(this.recency.tail);
      this.evictions++;
    }
  }

  /** Removes `entry` from the Map and releases it. */
  private unlink(entry: L1Entry): void {
    this.map.delete(entry.key);
    this.release(entry);
  }

  /** Takes `entry` out of the recency list and the byte and owner counts (not out of the Map). */
  private release(entry: L1Entry): void {
    this.recency.detach(entry);
    this.bytes -= entry.size;
    this.ownerCounts[entry.owner]!--;
  }
}
