/**
 * The decode memo of a cache without L1: every call still reads L2, but when Redis answers
 * with exactly the bytes this process already opened and decoded for that key, the envelope
 * check and the decode are skipped and the caller gets a fresh copy of the value decoded then.
 *
 * Byte equality is what makes this safe: the same stored bytes under the same key, through
 * the same codec, always open and decode to the same value, so skipping the work can never
 * return anything a full decode would not (changed, tampered or foreign bytes differ and take
 * the full path, with its checks). Freshness is untouched: nothing is answered without L2.
 *
 * A key is memoised on its second read (the first only notes the key, without copying
 * anything), so a workload that never reads a key twice pays one Map insert per read. When a
 * memoised key's bytes change, it goes back to "read once". Values the copier does not know
 * (class instances, ...) or out of proportion to the budget are not memoised.
 * Off for encrypted caches (no plaintext is kept in memory) and when L1 is on (L1 already
 * answers repeated reads).
 */
import { L1Template, footprintOf } from '../l1/value-template';

/** Bounds of one function's memo. */
export interface DecodeMemoLimits {
  /** Most keys remembered. */
  readonly maxEntries: number;
  /** Most bytes held (stored bytes, serialized bytes and the template's estimated footprint). */
  readonly maxBytes: number;
}

/** Stored values larger than this fraction of `maxBytes` are never recorded. */
const LARGEST_STORED_SHARE = 1 / 64;
/** An entry whose stored bytes, serialized bytes and template together exceed this share is not memoised. */
const LARGEST_ENTRY_SHARE = 1 / 16;

interface MemoEntry {
  /** The stored bytes the template was decoded from (an owned copy), once memoised. */
  stored: Buffer | undefined;
  /** The serializer bytes inside `stored`, once memoised (joiners decode fresh copies from them). */
  serialized: Buffer | undefined;
  /** The decoded value every answer copies, once memoised. */
  template: L1Template | undefined;
  /**
   * The key's value cannot be memoised (the copier does not know it, or it is too large): the
   * key stays noted, so later reads skip the attempt, until it is evicted or forgotten.
   */
  unmemoisable: boolean;
  /** Bytes this entry is charged. */
  bytes: number;
}

/** A value answered from the memo: a fresh copy and the serializer bytes it came from. */
export interface MemoAnswer {
  readonly value: unknown;
  readonly serialized: Buffer;
}

/** Decoded values of one function's recent L2 reads, keyed by stored key and checked by bytes. */
export class DecodeMemo {
  private readonly entries = new Map<string, MemoEntry>();
  private bytes = 0;
  private readonly largestStored: number;
  private readonly largestEntry: number;

  constructor(private readonly limits: DecodeMemoLimits) {
    this.largestStored = Math.floor(limits.maxBytes * LARGEST_STORED_SHARE);
    this.largestEntry = Math.floor(limits.maxBytes * LARGEST_ENTRY_SHARE);
  }

  /** Keys currently remembered. */
  get size(): number {
    return this.entries.size;
  }

  /** Bytes currently held. */
  get heldBytes(): number {
    return this.bytes;
  }

  /** A fresh copy of the value `stored` decodes to under `key`, when it is memoised. */
  answer(key: string, stored: Buffer): MemoAnswer | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.template === undefined || !(entry.stored as Buffer).equals(stored)) return undefined;
    return { value: entry.template.copy(), serialized: entry.serialized as Buffer };
  }

  /**
   * Records a full decode of `stored` under `key` and returns the value to hand out: `value`
   * itself, or — when this read memoised the key — a copy of it (`value` becomes the template,
   * never handed out).
   */
  remember(key: string, stored: Buffer, serialized: Buffer, value: unknown): unknown {
    if (stored.length > this.largestStored) {
      this.forget(key);
      return value;
    }
    const entry = this.entries.get(key);
    if (entry === undefined) {
      // First read: only the key is noted.
      this.entries.set(key, { stored: undefined, serialized: undefined, template: undefined, unmemoisable: false, bytes: 0 });
      if (!this.withinBudget()) this.evictOverBudget(key);
      return value;
    }
    if (entry.template !== undefined) {
      // Memoised, but these bytes differ (`answer` declined): back to "read once", in place
      // (a delete and re-insert of a hot key slows V8's Map down).
      entry.stored = undefined;
      entry.serialized = undefined;
      entry.template = undefined;
      this.charge(entry, 0);
      return value;
    }
    if (entry.unmemoisable) return value;
    // Second read: from now on this key is answered from the template while the bytes repeat.
    const footprint = footprintOf(value);
    const cost = footprint === undefined ? Number.POSITIVE_INFINITY : stored.length + serialized.length + footprint;
    if (cost > this.largestEntry) {
      entry.unmemoisable = true;
      return value;
    }
    entry.stored = Buffer.from(stored);
    entry.serialized = serialized;
    const template = new L1Template(value);
    entry.template = template;
    this.charge(entry, cost);
    if (!this.withinBudget()) this.evictOverBudget(key);
    return template.copy();
  }

  /** Drops `key` (its entry was deleted, invalidated or failed to open). */
  forget(key: string): void {
    const entry = this.entries.get(key);
    if (entry !== undefined) this.drop(key, entry);
  }

  /** Drops everything. */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private charge(entry: MemoEntry, bytes: number): void {
    this.bytes += bytes - entry.bytes;
    entry.bytes = bytes;
  }

  private drop(key: string, entry: MemoEntry): void {
    this.bytes -= entry.bytes;
    this.entries.delete(key);
  }

  /** Oldest entries first (insertion order), never `keep`, the entry just written. */
  private evictOverBudget(keep: string): void {
    for (const [key, entry] of this.entries) {
      if (this.withinBudget()) return;
      if (key !== keep) this.drop(key, entry);
    }
  }

  private withinBudget(): boolean {
    return this.entries.size <= this.limits.maxEntries && this.bytes <= this.limits.maxBytes;
  }
}
