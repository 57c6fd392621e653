/**
 * A scenario's world: its own redis-server (never the shared one: scenarios break it), a
 * `RedisBackend` on it, and the workload wrapped by the public `cache()` with a namespace of its
 * own. Everything is torn down by `close()`, in reverse order.
 */
import { randomBytes } from 'node:crypto';
import { cache, RedisBackend, type CacheOptions, type CachedFunction, type Logger } from '../../../src';
import { startRedisServer, type RedisServerHandle, type StartRedisOptions } from '../../support/redis-server';
import { Workload, type WorkloadValue } from './workload';

/** The cached workload function. */
export type CachedWorkload = CachedFunction<(a: number, b: number) => Promise<WorkloadValue>>;

/** Which `cache` factory to use. */
export type Preset = 'default' | 'production';

/** Options of `createWorld`. */
export interface WorldOptions {
  /** Function run time, ms. */
  delayMs: number;
  preset?: Preset;
  /** Extra `cache()` options (backend and namespace are set here). */
  cacheOptions?: CacheOptions<[number, number]>;
  /** Extra redis-server arguments. */
  redisArgs?: string[];
  /** Connect the backend here instead of to the server (a proxy in front of it). */
  url?: (server: RedisServerHandle) => Promise<string> | string;
}

/** A logger that keeps counts instead of printing: scenarios provoke thousands of warnings. */
export class CountingLogger implements Logger {
  readonly counts = { trace: 0, debug: 0, info: 0, warn: 0, error: 0 };
  readonly messages = new Map<string, number>();
  trace(): void {
    this.counts.trace++;
  }
  debug(): void {
    this.counts.debug++;
  }
  info(): void {
    this.counts.info++;
  }
  warn(_fields: unknown, message: string): void {
    this.counts.warn++;
    this.messages.set(message, (this.messages.get(message) ?? 0) + 1);
  }
  error(_fields: unknown, message: string): void {
    this.counts.error++;
    this.messages.set(message, (this.messages.get(message) ?? 0) + 1);
  }
}

/** A running scenario world. */
export interface World {
  server: RedisServerHandle;
  backend: RedisBackend;
  workload: Workload;
  cached: CachedWorkload;
  namespace: string;
  logger: CountingLogger;
  /** Registers teardown work, run in reverse order by `close()`. */
  onClose(task: () => Promise<void> | void): void;
  close(): Promise<void>;
}

/** A namespace no other run uses. */
export function uniqueNamespace(scenario: string): string {
  return `faults-${scenario}-${randomBytes(4).toString('hex')}`;
}

/** Starts a redis-server and wraps a fresh workload around it. */
export async function createWorld(scenario: string, options: WorldOptions): Promise<World> {
  const teardown: Array<() => Promise<void> | void> = [];
  const serverOptions: StartRedisOptions = options.redisArgs === undefined ? {} : { args: options.redisArgs };
  const server = await startRedisServer(serverOptions);
  teardown.push(() => server.stop());
  try {
    const url = options.url === undefined ? server.url : await options.url(server);
    const backend = new RedisBackend({ url });
    teardown.push(() => backend.close());
    const workload = new Workload(options.delayMs);
    const namespace = uniqueNamespace(scenario);
    const factory = options.preset === 'production' ? cache.production : cache;
    const logger = new CountingLogger();
    const cached = factory(workload.fn, { ttl: 600, logger, ...options.cacheOptions, backend, namespace, name: 'workload' }) as CachedWorkload;
    const world: World = {
      server,
      backend,
      workload,
      cached,
      namespace,
      logger,
      onClose: (task) => teardown.push(task),
      close: async () => {
        while (teardown.length > 0) await teardown.pop()!();
      },
    };
    return world;
  } catch (error) {
    while (teardown.length > 0) await teardown.pop()!();
    throw error;
  }
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
