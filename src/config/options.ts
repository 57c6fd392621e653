/**
 * The options of `cache()`: types, defaults and the one place each is documented.
 */
import type { BackendSpec } from '../backends/resolve';
import type { CacheBackend } from '../backends/types';
import type { Logger } from '../observability/logger';
import type { EncryptionOptions } from '../encryption/encryption-options';
import type { KeyedIntegrityOptions } from '../encryption/keyed-integrity-options';
import type { InvalidationOptions } from '../invalidation/options';
import type { ReliabilityOptions } from '../reliability/options';
import type { TagsOption } from '../tags/tag-options';
import type { FactoryTimeoutOptions, FailSafeOptions } from '../fail-safe/options';

/** Built-in serializer names. */
export type SerializerName = 'standard' | 'json' | 'auto' | 'arrow';

/** How the L1 holds values. */
export type L1Mode = 'bytes' | 'reference' | 'frozen';

/** Options of the in-process tier. */
export interface L1Options {
  /** Turn the in-process tier on or off. Default: on (`CACHEKIT_L1_ENABLED`). */
  enabled?: boolean;
  /**
   * Byte budget. Default: the shared process-wide L1 of 100 MiB (`CACHEKIT_L1_MAX_SIZE_MB`);
   * setting `maxBytes` or `maxEntries` gives this function an L1 of its own.
   */
  maxBytes?: number;
  /** Optional entry cap. */
  maxEntries?: number;
  /** Stale-while-revalidate: serve and refresh once in the background after `ttl × swrThreshold`. Default: on. */
  swr?: boolean;
  /** Fraction of the TTL after which a hit triggers the background refresh, in (0, 1]. Default 0.5. */
  swrThreshold?: number;
  /**
   * `'bytes'` (default) keeps the decoded value and hands every hit a fresh copy, so a caller
   * mutating its result never changes what another caller gets. `'frozen'` deep-freezes the
   * decoded value once and hands it out as is: no copy, and a mutation throws instead of
   * changing the cache (values with a Map, Set, Date or typed array are copied as in `'bytes'`).
   * `'reference'` keeps the live value the function returned: fastest, but every caller shares
   * one mutable object.
   */
  mode?: L1Mode;
}

/** Bounds of the decode memo (`decodeMemo` in object form). */
export interface DecodeMemoOptions {
  /** Most keys remembered. Default 1024. */
  maxEntries?: number;
  /** Most bytes held: stored and serialized bytes plus the decoded value's estimated size. Default 4 MiB. */
  maxBytes?: number;
}

/** `refreshTtlOnGet` in object form. */
export interface RefreshTtlOptions {
  /** Refresh when the remaining TTL is below `ttl × threshold`, in [0, 1]. Default 0.5. */
  threshold?: number;
}

/**
 * Options accepted by `cache()` and every preset. `Result` is what the function resolves to
 * (`cache(fn, options)` infers it); it defaults to `never` so that options written apart from
 * their function (`const common: CacheOptions = …`) fit every function.
 */
export interface CacheOptions<Args extends readonly unknown[] = readonly unknown[], Result = never> {
  /** Seconds (number) or a duration string (`'10m'`); 0 = no expiry. Default 3600 (`CACHEKIT_DEFAULT_TTL`). */
  ttl?: number | string;
  /** Prefixes keys with `ns:{namespace}:`. Default: none (`CACHEKIT_NAMESPACE`). */
  namespace?: string;
  /** Value serializer. Default `'standard'` (MessagePack, readable by other SDKs). */
  serializer?: SerializerName | UserSerializer;
  /**
   * Checksummed, compressed envelope around stored values. Default on (off in `minimal` and
   * `test`). The checksum catches accidents (corruption, truncation, misplaced entries), not
   * someone who can write to the backend: `'keyed'` (or `{ masterKey, previousMasterKeys }`)
   * adds an HMAC-SHA256 tag under a key derived from the master key, for plaintext caches.
   */
  integrity?: boolean | 'keyed' | KeyedIntegrityOptions;
  /** Custom key: receives the call's arguments and returns the key's distinguishing part. */
  key?: (...args: Args) => string;
  /**
   * Where the shared tier lives: a backend instance, a Redis URL, `{ redis }`/`{ file }`/`{ memory }`
   * configuration, or `null` for L1 only. Default: `setDefaultBackend()`, else the environment
   * (`CACHEKIT_REDIS_URL`/`REDIS_URL`, `CACHEKIT_FILE_CACHE_DIR`), else L1 only.
   */
  backend?: CacheBackend | null | BackendSpec;
  /** The in-process tier; `false` turns it off. */
  l1?: boolean | L1Options;
  /**
   * Without L1 (`l1: false`), every call reads L2; when L2 returns exactly the bytes of the
   * key's previous read, the envelope check and the decode are skipped and the call gets a
   * fresh copy of the value decoded then. Never stale (L2 is always read) and never a
   * different value (bytes must be equal). Default on, bounded by `{ maxEntries, maxBytes }`;
   * ignored with L1 on and for encrypted caches (no plaintext kept in memory).
   */
  decodeMemo?: boolean | DecodeMemoOptions;
  /** Refresh the L2 TTL on hits whose remaining TTL has fallen below the threshold. Default off. */
  refreshTtlOnGet?: boolean | RefreshTtlOptions;
  /**
   * Keeps the L1s of many processes coherent over Redis pub/sub: every write, `invalidate()` and
   * `cacheClear()` is announced and other processes drop their L1 copies. Default: on when the
   * L2 is Redis; `false` turns it off; `{ bus: { channel, degradedTtl } }` tunes it.
   */
  invalidation?: false | InvalidationOptions;
  /** Module part of the key (`func:{module}:{name}`). Default: the caller's file name. */
  module?: string;
  /**
   * Name part of the key. Default: the function's name. Needed for inline functions and in
   * bundled or minified code, where names are changed; one identity serves one function.
   */
  name?: string;
  /** Encoded values larger than this are returned but not cached. Default 100 MiB (`CACHEKIT_MAX_VALUE_SIZE`). */
  maxValueBytes?: number;
  /** Circuit breaker, timeouts, backpressure and distributed lock (see the reliability section). */
  reliability?: ReliabilityOptions | false;
  /** A pino-compatible logger for this cache (default: the process logger). */
  logger?: Logger;
  /** Encryption settings (see `cache.secure`); `false` turns encryption off. */
  encryption?: EncryptionOptions | false;
  /**
   * Which tenant each call belongs to: `'single'` (default: tenant `default`), `'context'`
   * (from `runWithTenant()`), an extractor `(...args) => tenantId`, or `{ id }`.
   */
  tenant?: 'single' | 'context' | ((...args: Args) => string) | { id: string };
  /** Interop mode: the operation name of a cross-SDK entry (`{namespace}:{operation}:{hash}`). */
  interop?: string;
  /**
   * Tags of each entry, from the arguments (`(...args) => string[]`) or also from the result
   * (`{ fromArgs, fromResult }`): `fn.invalidateTags(tags)` and `invalidateTags(backend, tags)`
   * then invalidate every entry carrying one of them, in every process, per tenant.
   */
  tags?: TagsOption<Args, Result>;
  /**
   * Serve the last value when the function throws or passes `factoryTimeout.soft`: entries are
   * kept `maxStaleSeconds` past their TTL for that (L2 TTL = ttl + maxStaleSeconds).
   */
  failSafe?: FailSafeOptions;
  /** How long a call waits for the function: `{ soft, hard }` (see the fail-safe section). */
  factoryTimeout?: FactoryTimeoutOptions;
  /**
   * `fn.many(argsList)`: loads every missing entry in one call (`missingArgsList` → results in
   * the same order) instead of one call of the function per missing entry.
   */
  loadMany?: (missingArgsList: Args[]) => Promise<readonly Result[]> | readonly Result[];
}

/** A user-supplied serializer. */
export interface UserSerializer {
  /** Name recorded for diagnostics. */
  readonly name: string;
  /** Turns a value into bytes. */
  serialize(value: unknown): Uint8Array;
  /** Turns bytes back into a value. */
  deserialize(bytes: Uint8Array): unknown;
}


/** The option names `cache()` accepts, for unknown-option detection. */
export const CACHE_OPTION_NAMES = [
  'ttl',
  'namespace',
  'serializer',
  'integrity',
  'key',
  'backend',
  'l1',
  'decodeMemo',
  'refreshTtlOnGet',
  'invalidation',
  'module',
  'name',
  'maxValueBytes',
  'reliability',
  'logger',
  'encryption',
  'tenant',
  'interop',
  'tags',
  'failSafe',
  'factoryTimeout',
  'loadMany',
] as const;

/** Defaults not owned by a preset. */
export const DEFAULTS = {
  ttlSeconds: 3600,
  /** When the L2 never expires an entry, L1 still re-reads it after this long. */
  l1TtlWhenNoExpirySeconds: 300,
  l1MaxBytes: 100 * 1024 * 1024,
  l1SweepIntervalMs: 30_000,
  decodeMemoMaxEntries: 1024,
  decodeMemoMaxBytes: 4 * 1024 * 1024,
  swrThreshold: 0.5,
  refreshTtlThreshold: 0.5,
  maxValueBytes: 100 * 1024 * 1024,
  /** L1 expires this much before the L2 copy so it never outlives it. */
  l1ExpiryLeadMs: 1_000,
} as const;
