/**
 * What reading and writing one function's entries share, built once per wrapper by the engine,
 * and the fail-closed rule they (and the L1 tier's readers) apply to entries that fail to open.
 */
import type { ResolvedConfig } from '../config/resolve-options';
import { EncryptionError } from '../errors';
import type { LogFields } from '../observability/logger';
import type { InvalidationBus } from '../invalidation/bus';
import type { TagStamps } from '../tags/tag-stamps';
import type { BackgroundTasks } from './background-tasks';
import type { L1Tier } from './l1-tier';
import type { EntryContext, ValuePipeline } from './ports';
import type { CacheStats } from './stats';

/** Log levels the cache uses. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What reading and writing one function's entries share. */
export interface EntryIo {
  readonly config: ResolvedConfig;
  readonly stats: CacheStats;
  readonly pipeline: ValuePipeline;
  /** `l1.mode === 'reference'`: L1 holds live values. */
  readonly reference: boolean;
  /** Undefined when L1 is off. */
  readonly l1: L1Tier | undefined;
  readonly background: BackgroundTasks;
  /** Entries carry a frame (tags, fail-safe; see `entry-frame.ts`). */
  readonly framed: boolean;
  /** The TTL L2 entries are written with: the `ttl`, plus fail-safe's stale window (whole seconds). */
  readonly l2TtlSeconds: number;
  /** The tag stamp table of this cache's L2 (or of the caches without one). */
  stamps(): TagStamps;
  /** Entry context for sealing and opening `key` (`remember`: memoise it, for reads). */
  context(key: string, remember?: boolean): EntryContext;
  /** The invalidation bus writes are announced on, once the backend is known (undefined: none). */
  bus(): InvalidationBus | undefined;
  log(level: LogLevel, fields: LogFields, message: string): void;
}

/**
 * Throws `EncryptionError` for an entry that failed to open when the cache is encrypted and
 * fails closed (`encryption.failClosed`); otherwise returns, and the entry is a miss.
 */
export function throwIfFailClosed(failsClosed: boolean, error: unknown): void {
  if (!failsClosed) return;
  const code = (error as { code?: unknown }).code;
  throw new EncryptionError('A cached entry failed decryption or authentication and this cache fails closed (encryption.failClosed).', {
    code: typeof code === 'string' ? code : 'ERR_ENCRYPTION',
    cause: error,
  });
}
