import type { ResolvedConfig } from '../config/resolve-options';
import type { LogFields } from '../observability/logger';
import type { BackgroundTasks } from './background-tasks';
import type { L1Filler } from './l1-filler';
import type { EntryContext, ValuePipeline } from './ports';
import type { CacheStats } from './stats';

/** Log levels the cache uses. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What reading and writing one function's entries share (built once per wrapper by the engine). */
export interface EntryIo {
  readonly config: ResolvedConfig;
  readonly stats: CacheStats;
  readonly pipeline: ValuePipeline;
  /** `l1.mode === 'reference'`: L1 holds live values. */
  readonly reference: boolean;
  /** Undefined when L1 is off. */
  readonly l1Fill: L1Filler | undefined;
  readonly background: BackgroundTasks;
  /** Entry context for sealing and opening `key` (`remember`: memoise it, for reads). */
  context(key: string, remember?: boolean): EntryContext;
  log(level: LogLevel, fields: LogFields, message: string): void;
}
