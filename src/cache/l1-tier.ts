/**
 * Everything about one function's L1 in one place: which L1 it uses (the process-wide one or
 * its own), how long its entries live, the form each cache mode keeps a value in, and what a hit
 * hands back.
 *
 * Forms, by mode:
 * - `reference`: the live value itself, handed out as is.
 * - encrypted: the sealed bytes, opened on every hit (plaintext never sits in memory).
 * - default (`bytes`): a decoded template, copied for every hit; a value written on a miss is
 *   kept as its serializer bytes until its first hit decodes it once (many entries are written
 *   and never read again); values the copier does not know stay bytes, decoded per hit. With no
 *   L2, a miss of plain data keeps a copy as the template at once (no bytes: `l1/exact-copy.ts`).
 * - `frozen`: like `bytes`, but the decoded value is deep-frozen once and handed out as is
 *   (values holding anything `Object.freeze` cannot make immutable are copied as in `bytes`).
 */
import { DEFAULTS } from '../config/options';
import { environmentSettings } from '../config/env';
import type { ResolvedL1 } from '../config/resolve-options';
import { COMPRESSED_SIZE_FACTOR } from '../codec/codec';
import { L1Cache, L1_ENTRY_OVERHEAD_BYTES } from '../l1/l1-cache';
import type { L1Entry } from '../l1/l1-entry';
import type { ExactCopy } from '../l1/exact-copy';
import { L1Frozen, L1Pending, L1Template, copyTemplate, footprintOf, freezeDeep } from '../l1/value-template';
import type { StaleValue } from '../fail-safe/stale-value';
import { frameBody } from './entry-frame';
import { EntryMeta } from './entry-meta';
import type { EntryContext, ValuePipeline } from './ports';

let shared: L1Cache | undefined;

/**
 * The process-wide L1, created on first use: one budget (`CACHEKIT_L1_MAX_SIZE_MB`, default
 * 100 MiB) for every function, so memory stays bounded however many functions are cached.
 */
export function sharedL1(): L1Cache {
  if (shared === undefined) {
    const env = environmentSettings();
    shared = new L1Cache({
      maxBytes: env.l1MaxBytes ?? DEFAULTS.l1MaxBytes,
      maxEntries: env.l1MaxEntries,
      sweepIntervalMs: env.l1SweepIntervalMs ?? DEFAULTS.l1SweepIntervalMs,
    });
  }
  return shared;
}

/** The L1 for a wrapper with these settings: its own when it sets `maxBytes`/`maxEntries`, else the shared one. */
/** Whether `l1` is the process-wide L1 the functions without a budget of their own share. */
export function isSharedL1(l1: L1Cache): boolean {
  return l1 === shared;
}

export function l1For(settings: ResolvedL1): L1Cache {
  if (settings.maxBytes === undefined && settings.maxEntries === undefined) return sharedL1();
  const env = environmentSettings();
  return new L1Cache({
    maxBytes: settings.maxBytes ?? DEFAULTS.l1MaxBytes,
    maxEntries: settings.maxEntries,
    sweepIntervalMs: env.l1SweepIntervalMs ?? DEFAULTS.l1SweepIntervalMs,
  });
}

/**
 * How long an L1 entry lives, in ms, for a cache whose entries expire after `ttlSeconds`
 * (0 = never). With an L2, L1 expires `DEFAULTS.l1ExpiryLeadMs` before the L2 copy so it
 * never outlives it, and with no L2 expiry it still re-reads after a while so other
 * processes' writes become visible. Without an L2, L1 is the only copy and lives the TTL.
 */
export function l1LifetimeMs(ttlSeconds: number, hasL2: boolean): number {
  const ttlMs = ttlSeconds * 1000;
  if (!hasL2) return ttlSeconds === 0 ? Number.POSITIVE_INFINITY : ttlMs;
  if (ttlSeconds === 0) return DEFAULTS.l1TtlWhenNoExpirySeconds * 1000;
  return ttlMs - DEFAULTS.l1ExpiryLeadMs;
}

/** SWR refreshes are spread over ±10% of their point so entries written together do not refresh together. */
const randomJitter = (): number => 0.9 + Math.random() * 0.2;

/** How a decoded value is kept in L1: its value there and the bytes it is charged. */
export interface L1Form {
  readonly value: unknown;
  readonly bytes: number;
}

/**
 * The form L1 keeps a decoded value in: a copyable template, or its serialized bytes when it
 * holds types the copier does not know (or is nested too deep for it). With `copy`, the
 * template is a copy of `decoded`, which the caller keeps; otherwise it is `decoded` itself,
 * which must not be handed out afterwards. The copier runs only on what `footprintOf`
 * accepted: it cannot copy anything else (a DataView, a value thousands deep).
 */
export function l1FormOf(decoded: unknown, serialized: Buffer, copy = false, frozen = false): L1Form {
  const footprint = footprintOf(decoded);
  if (footprint === undefined) return { value: serialized, bytes: serialized.length };
  const template = copy ? copyTemplate(decoded) : decoded;
  if (frozen && freezeDeep(template)) return { value: new L1Frozen(template), bytes: footprint };
  return { value: new L1Template(template), bytes: footprint };
}

/** What decides how one function uses its L1. */
export interface L1TierOptions {
  l1: L1Cache;
  /** The function's owner id (for per-function counts and clears). */
  owner: number;
  ttlSeconds: number;
  hasL2: boolean;
  /** Stale-while-revalidate: refresh once this fraction of the TTL has passed (undefined: off). */
  swrThreshold: number | undefined;
  /** `l1.mode: 'reference'`: live values, handed out as they are. */
  reference: boolean;
  /** `l1.mode: 'frozen'`: decoded values deep-frozen once and handed out as they are. */
  frozen: boolean;
  /** The function's value pipeline (undefined in reference mode without an L2). */
  pipeline: ValuePipeline | undefined;
  /** Entry context of a stored key (opening sealed entries needs it). */
  context: (key: string) => EntryContext;
  /** Entries are framed (tags, fail-safe): sealed bytes hold the frame, which a hit skips. */
  framed: boolean;
  /** Fail-safe: how long past its freshness an entry stays servable (0: no fail-safe). */
  staleMs: number;
}

/** What the L1 tier needs to know of the invalidation bus its cache is on. */
export interface BusState {
  /** True while announcements from other processes may be missed. */
  readonly degraded: boolean;
  /** Lifetime cap of entries written meanwhile, ms. */
  readonly degradedTtlMs: number;
}

/**
 * One function's L1: puts values in the form its mode keeps, and hands hits back. A value read
 * from elsewhere is put with the `mark()` taken before the read, so an invalidation that came
 * in meanwhile is not undone (see `L1Cache`).
 */
export class L1Tier {
  readonly l1: L1Cache;
  readonly owner: number;
  /** The invalidation bus this cache is on, once it is known (entries are capped while it is degraded). */
  bus: BusState | undefined;
  private readonly lifetimeMs: number;
  /** How long before L2's copy an L1 entry expires (0 without an L2). */
  private readonly leadMs: number;
  private readonly staleMs: number;
  private readonly framed: boolean;
  private readonly swrBaseMs: number;
  private readonly reference: boolean;
  /** `l1.mode: 'frozen'`. */
  readonly frozen: boolean;
  private readonly pipeline: ValuePipeline | undefined;
  private readonly context: (key: string) => EntryContext;

  constructor(options: L1TierOptions) {
    this.l1 = options.l1;
    this.owner = options.owner;
    this.lifetimeMs = l1LifetimeMs(options.ttlSeconds, options.hasL2);
    this.leadMs = options.hasL2 ? DEFAULTS.l1ExpiryLeadMs : 0;
    this.staleMs = options.staleMs;
    this.framed = options.framed;
    this.swrBaseMs =
      options.swrThreshold !== undefined && options.ttlSeconds > 0
        ? options.ttlSeconds * 1000 * options.swrThreshold
        : Number.POSITIVE_INFINITY;
    this.reference = options.reference;
    this.frozen = options.frozen;
    this.pipeline = options.pipeline;
    this.context = options.context;
  }

  /** The mark to take before reading a value from L2 and pass to the `put` that follows. */
  mark(): number {
    return this.l1.mark();
  }

  /** `mode: 'reference'`: the live value itself, handed out as is. */
  putLive(key: string, value: unknown, readMark?: number, meta?: EntryMeta): void {
    this.l1.set(key, value, 0, this.lifetime(meta), this.owner, this.swrAfterMs(), readMark, meta);
  }

  /** Encrypted caches: the sealed bytes, opened on every hit. */
  putSealed(key: string, sealed: Buffer, readMark?: number, meta?: EntryMeta): void {
    this.l1.set(key, sealed, sealed.length, this.lifetime(meta), this.owner, this.swrAfterMs(), readMark, meta);
  }

  /** A value written on a miss: its serialized bytes, decoded into a template by the first hit. */
  putPending(key: string, serialized: Buffer, meta?: EntryMeta): void {
    this.l1.set(key, new L1Pending(serialized), serialized.length, this.lifetime(meta), this.owner, this.swrAfterMs(), undefined, meta);
  }

  /**
   * A memory-only miss's value as the template its first hit would have decoded (see
   * `l1/exact-copy.ts`); returns what joiners of the miss copy from.
   */
  putExactCopy(key: string, copy: ExactCopy, meta?: EntryMeta): L1Template {
    const template = new L1Template(copy.value);
    this.l1.set(key, this.frozen ? new L1Frozen(copy.value) : template, copy.bytes, this.lifetime(meta), this.owner, this.swrAfterMs(), undefined, meta);
    return template;
  }

  /** A decoded value the caller also receives: L1 keeps a copy of it, or its bytes (see {@link l1FormOf}). */
  putCopyOf(key: string, decoded: unknown, serialized: Buffer, readMark?: number, meta?: EntryMeta): void {
    if (readMark !== undefined && this.l1.deletedSince(key, readMark)) return;
    const form = l1FormOf(decoded, serialized, true, this.frozen);
    this.l1.set(key, form.value, form.bytes, this.lifetime(meta), this.owner, this.swrAfterMs(), readMark, meta);
  }

  /**
   * Fail-safe served a stale value: L1 keeps it (in `value`, a form this tier holds, charged
   * `valueBytes`) as a fresh fail-safe entry for `ms`, never past the end of its stale window,
   * so the failing function is tried again only after that.
   */
  keepStale(key: string, value: unknown, valueBytes: number, meta: EntryMeta, ms: number, readMark: number | undefined): void {
    const now = Date.now();
    const until = Math.min(now + ms, meta.freshUntil + this.staleMs - this.leadMs);
    if (!(until > now)) return;
    const kept = new EntryMeta(meta.createdAt, until, meta.tags, meta.stampKeys, true);
    this.l1.set(key, value, valueBytes, until - now, this.owner, Number.POSITIVE_INFINITY, readMark, kept);
  }

  /** The form this tier keeps a freshly decoded value in (the caller does not keep `decoded`). */
  formOf(decoded: unknown, serialized: Buffer): L1Form {
    return l1FormOf(decoded, serialized, false, this.frozen);
  }

  /** An L1 entry past its freshness as fail-safe's stale value (`readMark`: taken when it was found). */
  staleOf(entry: L1Entry, readMark: number): StaleValue {
    const meta = entry.meta as EntryMeta;
    return {
      createdAt: meta.createdAt,
      value: () => this.valueOf(entry),
      keep: (ms) => this.keepStale(entry.key, entry.value, entry.size - entry.key.length * 2 - L1_ENTRY_OVERHEAD_BYTES, meta, ms, readMark),
    };
  }

  /** What the caller receives for an L1 entry: a fresh copy unless the mode is 'reference'. Throws what decoding throws. */
  valueOf(entry: L1Entry): unknown {
    const stored = entry.value;
    if (stored instanceof L1Template) return stored.copy();
    if (this.reference) return stored;
    if (stored instanceof L1Frozen) return stored.value;
    const pipeline = this.pipeline as ValuePipeline;
    if (stored instanceof L1Pending) return this.settle(entry, stored.bytes);
    if (pipeline.l1HoldsSealed) return pipeline.deserialize(this.unframed(pipeline.open(stored as Buffer, this.context(entry.key))));
    return pipeline.deserialize(stored as Buffer);
  }

  /** Whether an L1 entry is sealed bytes large enough to open off the main thread. */
  isLargeSealed(entry: L1Entry): boolean {
    const stored = entry.value;
    const pipeline = this.pipeline;
    return pipeline?.l1HoldsSealed === true && Buffer.isBuffer(stored) && stored.length >= pipeline.asyncThreshold / COMPRESSED_SIZE_FACTOR;
  }

  /** `valueOf` for a large sealed entry: opened on the thread pool. Rejects with what opening throws. */
  async valueOfLargeSealed(entry: L1Entry): Promise<unknown> {
    const pipeline = this.pipeline as ValuePipeline;
    return pipeline.deserialize(this.unframed(await pipeline.openAsync(entry.value as Buffer, this.context(entry.key))));
  }

  /** The serializer's bytes of opened sealed bytes (the frame skipped, for framed caches). */
  private unframed(opened: Buffer): Buffer {
    return this.framed ? frameBody(opened) : opened;
  }

  /**
   * The first hit of an entry written on a miss: decodes its bytes once, keeps the result as
   * the entry's template (or keeps the bytes, for values the copier does not know) and hands
   * out a copy. Throws what the serializer throws; the caller then drops the entry.
   */
  private settle(entry: L1Entry, serialized: Buffer): unknown {
    const decoded = (this.pipeline as ValuePipeline).deserialize(serialized);
    const form = l1FormOf(decoded, serialized, false, this.frozen);
    this.l1.replaceValue(entry, form.value, form.bytes);
    if (form.value instanceof L1Frozen) return decoded;
    return form.value instanceof L1Template ? form.value.copy() : decoded;
  }

  /**
   * An entry's lifetime now: capped while the invalidation bus is degraded. A fail-safe entry
   * lives as long as it may be served stale (its freshness is judged by its meta on each hit).
   */
  private lifetime(meta?: EntryMeta): number {
    const ms =
      meta !== undefined && this.staleMs > 0 && meta.freshUntil !== Number.POSITIVE_INFINITY
        ? meta.freshUntil + this.staleMs - this.leadMs - Date.now()
        : this.lifetimeMs;
    const bus = this.bus;
    return bus !== undefined && bus.degraded ? Math.min(ms, bus.degradedTtlMs) : ms;
  }

  private swrAfterMs(): number {
    return this.swrBaseMs === Number.POSITIVE_INFINITY ? this.swrBaseMs : this.swrBaseMs * randomJitter();
  }
}
