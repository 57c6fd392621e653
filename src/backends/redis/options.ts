/**
 * Options of the Redis backend, their defaults (with the reason for each) and their validation.
 *
 * The defaults exist for one rule: a hung or dead Redis must never hang the caller. ioredis's
 * own defaults (10 s connect timeout, no command timeout, 20 retries per request with the
 * offline queue on) make a call wait tens of seconds on a dead server, and forever on a
 * frozen one (SIGSTOP keeps the TCP connection open but answers nothing).
 */
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { ConfigurationError } from '../../errors';
import { deadlineOptionMessage } from '../abort';
import { parseRedisUrl } from './url';

/** An ioredis connection: a standalone or Sentinel-managed `Redis`, or a `Cluster`. */
export type RedisClient = Redis | Cluster;

/** A Redis Cluster seed node: `host:port`, `redis://host:port`, or `{ host, port }`. */
export type RedisClusterNode = string | { host: string; port: number };

/** Connection to a Redis Cluster. */
export interface RedisClusterConfig {
  /** Some of the cluster's nodes; the client discovers the rest. */
  nodes: RedisClusterNode[];
  /** Extra ioredis `Cluster` options, applied over cachekit's defaults. */
  clusterOptions?: ClusterOptions;
}

/** Connection to a master found through Redis Sentinel. */
export interface RedisSentinelConfig {
  /** Sentinel addresses. */
  sentinels: Array<{ host: string; port: number }>;
  /** Name of the monitored master (`sentinel monitor <name> ...`). */
  name: string;
  /** ACL user for the sentinels, if they require one. */
  sentinelUsername?: string;
  /** Password for the sentinels, if they require one. */
  sentinelPassword?: string;
}

/** Options of `RedisBackend`. Give exactly one of `url`, `client`, `cluster`, `sentinel`. */
export interface RedisBackendOptions {
  /**
   * `redis://[user:password@]host[:port][/db]`, `rediss://...` (TLS), or a Unix socket as
   * `unix:///path/to/redis.sock[?db=N]` or a bare absolute path.
   */
  url?: string;
  /**
   * An ioredis `Redis` or `Cluster` you already own. cachekit uses it as is (your timeouts,
   * your `keyPrefix`) and never closes it; cachekit's per-operation deadline still applies.
   */
  client?: RedisClient;
  /** Connect to a Redis Cluster. */
  cluster?: RedisClusterConfig;
  /** Connect to the master of a Sentinel-managed deployment. */
  sentinel?: RedisSentinelConfig;
  /** ACL user name (overrides one in `url`). */
  username?: string;
  /** Password (overrides one in `url`). */
  password?: string;
  /** Database index (standalone and Sentinel only). */
  db?: number;
  /** TLS: `true` for defaults, or Node `tls` options. `rediss://` URLs turn it on. */
  tls?: boolean | TlsConnectionOptions;
  /**
   * Longest wait for a TCP (and TLS) connection, ms. Default 2 000: long enough for a TLS
   * handshake to a managed Redis in another zone; calls made meanwhile are still bounded by
   * the cache's deadlines (`reliability.timeouts`).
   */
  connectTimeoutMs?: number;
  /**
   * If replies are pending and nothing arrives on the socket for this long, the connection is
   * dropped and re-dialled, ms. Default 3 000. This turns a frozen server (SIGSTOP, a stuck VM)
   * into a reconnect, which frees the commands stuck behind it and finds a failed-over master.
   * 0 disables it.
   */
  socketTimeoutMs?: number;
  /**
   * Coalesce commands issued in the same tick into one write (ioredis auto-pipelining).
   * Default true: concurrent cache calls then share round trips.
   */
  autoPipelining?: boolean;
  /**
   * Extra ioredis options for the connections cachekit creates (node connections for Cluster),
   * applied over cachekit's defaults. For options cachekit has no name for.
   */
  ioredisOptions?: RedisOptions;
}

/** Defaults of the timing options (see `RedisBackendOptions` for the reasons). */
export const REDIS_BACKEND_DEFAULTS = {
  connectTimeoutMs: 2_000,
  socketTimeoutMs: 3_000,
  autoPipelining: true,
} as const;

/** Validated settings the backend runs with. */
export interface RedisSettings {
  connectTimeoutMs: number;
  socketTimeoutMs: number;
  autoPipelining: boolean;
}

/** Longest delay a Node timer accepts (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

const KNOWN_OPTIONS = [
  'url',
  'client',
  'cluster',
  'sentinel',
  'username',
  'password',
  'db',
  'tls',
  'connectTimeoutMs',
  'socketTimeoutMs',
  'autoPipelining',
  'ioredisOptions',
];

function fail(message: string): never {
  throw new ConfigurationError(message);
}

function timeout(value: unknown, option: string, fallback: number, allowZero: boolean): number {
  if (value === undefined) return fallback;
  // Node timers overflow above 2^31 - 1 ms and then fire after 1 ms.
  if (typeof value === 'number' && Number.isSafeInteger(value) && value <= MAX_TIMER_MS && (value > 0 || (allowZero && value === 0))) {
    return value;
  }
  return fail(
    `RedisBackend option \`${option}\` must be a positive integer number of milliseconds up to ${MAX_TIMER_MS}` +
      `${allowZero ? ' (0 disables it)' : ''}; got ${JSON.stringify(value)}. Fix: pass e.g. ${fallback}, or leave it out for the default.`,
  );
}

/** Checks the option object and returns the timing settings. Throws `ConfigurationError`. */
export function validateRedisOptions(options: RedisBackendOptions): RedisSettings {
  if (typeof options !== 'object' || options === null) {
    fail(`RedisBackend options must be an object; got ${JSON.stringify(options)}. Fix: pass { url: 'redis://host:6379' }.`);
  }
  for (const name of Object.keys(options)) {
    if (name === 'commandTimeoutMs') fail(deadlineOptionMessage('RedisBackend', name));
    if (!KNOWN_OPTIONS.includes(name)) {
      fail(`Unknown RedisBackend option \`${name}\`. Known options: ${KNOWN_OPTIONS.join(', ')}.`);
    }
  }
  const sources = (['url', 'client', 'cluster', 'sentinel'] as const).filter((s) => options[s] !== undefined);
  if (sources.length !== 1) {
    fail(
      `RedisBackend needs exactly one of \`url\`, \`client\`, \`cluster\`, \`sentinel\`; got ${sources.length === 0 ? 'none' : sources.join(' and ')}. ` +
        `Fix: e.g. { url: 'redis://127.0.0.1:6379' }.`,
    );
  }
  if (options.url !== undefined) parseRedisUrl(options.url);
  if (options.client !== undefined && !isIoredisClient(options.client)) {
    fail('RedisBackend option `client` must be an ioredis `Redis` or `Cluster` instance. Fix: pass `new Redis(...)` from the ioredis package.');
  }
  if (options.cluster !== undefined) {
    const nodes = options.cluster.nodes;
    if (!Array.isArray(nodes) || nodes.length === 0) {
      fail("RedisBackend option `cluster.nodes` must list at least one node. Fix: { cluster: { nodes: ['127.0.0.1:7000'] } }.");
    }
  }
  if (options.sentinel !== undefined) {
    const { sentinels, name } = options.sentinel;
    if (!Array.isArray(sentinels) || sentinels.length === 0) {
      fail("RedisBackend option `sentinel.sentinels` must list at least one sentinel. Fix: { sentinel: { sentinels: [{ host: '127.0.0.1', port: 26379 }], name: 'mymaster' } }.");
    }
    if (typeof name !== 'string' || name.length === 0) {
      fail(`RedisBackend option \`sentinel.name\` must be the monitored master's name; got ${JSON.stringify(name)}. Fix: e.g. name: 'mymaster'.`);
    }
  }
  if (options.db !== undefined && !(Number.isSafeInteger(options.db) && options.db >= 0)) {
    fail(`RedisBackend option \`db\` must be an integer >= 0; got ${JSON.stringify(options.db)}.`);
  }
  if (options.autoPipelining !== undefined && typeof options.autoPipelining !== 'boolean') {
    fail(`RedisBackend option \`autoPipelining\` must be true or false; got ${JSON.stringify(options.autoPipelining)}.`);
  }
  return {
    connectTimeoutMs: timeout(options.connectTimeoutMs, 'connectTimeoutMs', REDIS_BACKEND_DEFAULTS.connectTimeoutMs, false),
    socketTimeoutMs: timeout(options.socketTimeoutMs, 'socketTimeoutMs', REDIS_BACKEND_DEFAULTS.socketTimeoutMs, true),
    autoPipelining: options.autoPipelining ?? REDIS_BACKEND_DEFAULTS.autoPipelining,
  };
}

/** Whether `value` looks like an ioredis client (duck-typed: another copy of ioredis works too). */
export function isIoredisClient(value: unknown): value is RedisClient {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { isCluster?: unknown }).isCluster === 'boolean' &&
    typeof (value as { getBuffer?: unknown }).getBuffer === 'function'
  );
}
