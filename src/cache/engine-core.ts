/**
 * What the engine's parts (its flights, its function runs) use of the engine: the engine
 * (`cache-engine.ts`) implements it and hands itself to them, so they name this interface and
 * never the engine's class (no import cycle, even through types).
 */
import type { ResolvedConfig } from '../config/resolve-options';
import type { InvalidationBus } from '../invalidation/bus';
import type { L1Cache } from '../l1/l1-cache';
import type { LogFields } from '../observability/logger';
import type { LockOptions } from '../reliability/options';
import type { ResilientBackend } from '../reliability/resilient-backend';
import type { LogLevel } from './entry-io';
import type { EntryReader } from './entry-reader';
import type { L1Tier } from './l1-tier';
import type { EntryContext, ValuePipeline } from './ports';
import type { CacheStats } from './stats';

/** The engine as its parts see it. */
export interface EngineCore {
  readonly config: ResolvedConfig;
  readonly stats: CacheStats;
  readonly l1: L1Cache | undefined;
  readonly l1Tier: L1Tier | undefined;
  readonly pipeline: ValuePipeline | undefined;
  /** Reference mode: L1 holds live values. */
  readonly reference: boolean;
  /** Tagged or fail-safe: entries carry a frame. */
  readonly framed: boolean;
  readonly label: string;
  readonly namespace: string;
  readonly lock: Readonly<LockOptions>;
  readonly reader: EntryReader;
  /** The guarded L2, or null when there is none. */
  backend(): ResilientBackend | null;
  /** The invalidation bus this cache is on (null: none; undefined: not known yet). */
  invalidationBus(): InvalidationBus | null | undefined;
  /** Entry context for sealing and opening the entry under `key`. */
  context(key: string, remember?: boolean): EntryContext;
  /** Runs the function (traced when someone listens). */
  runFunction(fn: (...args: never[]) => unknown, thisArg: unknown, args: readonly unknown[], refresh: boolean): unknown;
  /** Keeps a background task so `flush()` can wait for it. */
  track(promise: Promise<unknown>): void;
  /** Writes a log record through the cache's logger. */
  log(level: LogLevel, fields: LogFields, message: string): void;
}
