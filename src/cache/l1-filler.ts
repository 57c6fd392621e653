import type { L1Cache } from '../l1/l1-cache';
import { L1Pending, L1Template, copyTemplate, footprintOf } from '../l1/value-template';
import { l1LifetimeMs } from './l1-lifetime';

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
export function l1FormOf(decoded: unknown, serialized: Buffer, copy = false): L1Form {
  const footprint = footprintOf(decoded);
  if (footprint === undefined) return { value: serialized, bytes: serialized.length };
  return { value: new L1Template(copy ? copyTemplate(decoded) : decoded), bytes: footprint };
}

/** What decides how one function's entries are put into L1. */
export interface L1FillerOptions {
  l1: L1Cache;
  /** The function's owner id (for per-function counts and clears). */
  owner: number;
  ttlSeconds: number;
  hasL2: boolean;
  /** Stale-while-revalidate: refresh once this fraction of the TTL has passed (undefined: off). */
  swrThreshold: number | undefined;
}

/** Puts one function's entries into L1 in the form each cache mode keeps. */
export class L1Filler {
  private readonly l1: L1Cache;
  private readonly owner: number;
  private readonly lifetimeMs: number;
  private readonly swrBaseMs: number;

  constructor(options: L1FillerOptions) {
    this.l1 = options.l1;
    this.owner = options.owner;
    this.lifetimeMs = l1LifetimeMs(options.ttlSeconds, options.hasL2);
    this.swrBaseMs =
      options.swrThreshold !== undefined && options.ttlSeconds > 0
        ? options.ttlSeconds * 1000 * options.swrThreshold
        : Number.POSITIVE_INFINITY;
  }

  /** `mode: 'reference'`: the live value itself, handed out as is. */
  putLive(key: string, value: unknown): void {
    this.l1.set(key, value, 0, this.lifetimeMs, this.owner, this.swrAfterMs());
  }

  /** Encrypted caches: the sealed bytes, opened on every hit. */
  putSealed(key: string, sealed: Buffer): void {
    this.l1.set(key, sealed, sealed.length, this.lifetimeMs, this.owner, this.swrAfterMs());
  }

  /** A value written on a miss: its serialized bytes, decoded into a template by the first hit. */
  putPending(key: string, serialized: Buffer): void {
    this.l1.set(key, new L1Pending(serialized), serialized.length, this.lifetimeMs, this.owner, this.swrAfterMs());
  }

  /** A decoded value the caller also receives: L1 keeps a copy of it, or its bytes (see {@link l1FormOf}). */
  putCopyOf(key: string, decoded: unknown, serialized: Buffer): void {
    const form = l1FormOf(decoded, serialized, true);
    this.l1.set(key, form.value, form.bytes, this.lifetimeMs, this.owner, this.swrAfterMs());
  }

  private swrAfterMs(): number {
    return this.swrBaseMs === Number.POSITIVE_INFINITY ? this.swrBaseMs : this.swrBaseMs * randomJitter();
  }
}
