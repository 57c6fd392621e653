/**
 * Builds the ioredis client a validated `RedisBackendOptions` describes, with the defaults
 * that keep every call bounded (see `options.ts` for the reasons).
 */
import { createRequire } from 'node:module';
import type { Cluster, Redis, RedisOptions } from 'ioredis';
import { ConfigurationError } from '../../errors';
import type { RedisBackendOptions, RedisClient, RedisClusterNode, RedisSettings } from './options';
import { parseRedisUrl, tcpUrlOptions } from './url';

/** The client classes of ioredis. */
interface IoredisModule {
  Redis: typeof Redis;
  Cluster: typeof Cluster;
}

let ioredis: IoredisModule | undefined;

/**
 * ioredis, loaded when the first Redis client is built: an app whose caches use memory or
 * files never loads it (it is most of cachekit's start-up cost).
 */
function loadIoredis(): IoredisModule {
  ioredis ??= createRequire(import.meta.url)('ioredis') as IoredisModule;
  return ioredis;
}

/** How often a Cluster client re-reads the slot map, ms. */
const CLUSTER_SLOTS_REFRESH_MS = 1_000;

/** Longest pause between reconnect attempts. */
const RECONNECT_BACKOFF_CAP_MS = 500;

function fail(message: string): never {
  throw new ConfigurationError(message);
}

/** ioredis options shared by every connection cachekit creates. */
function baseOptions(options: RedisBackendOptions, settings: RedisSettings): RedisOptions {
  const base: RedisOptions = {
    // Connect on the first command, so a backend built from the environment but never used
    // opens no socket (and does not keep the process alive).
    lazyConnect: true,
    connectTimeout: settings.connectTimeoutMs,
    ...(settings.socketTimeoutMs > 0 ? { socketTimeout: settings.socketTimeoutMs } : {}),
    // Commands queue while connecting (the first call after start-up must not fail), but a
    // failed connection attempt rejects everything queued at once instead of retrying it.
    enableOfflineQueue: true,
    maxRetriesPerRequest: 0,
    // Never replay writes after a reconnect: the caller has moved on, and a late SET could
    // overwrite a newer value or resurrect an invalidated one.
    autoResendUnfulfilledCommands: false,
    // Reconnect soon after an outage ends: ioredis's default backoff grows to 2 s between
    // attempts, which would keep the cache bypassed that long after Redis is back.
    retryStrategy: (attempts: number) => Math.min(50 * attempts, RECONNECT_BACKOFF_CAP_MS),
    enableAutoPipelining: settings.autoPipelining,
    connectionName: 'cachekit',
  };
  if (options.username !== undefined) base.username = options.username;
  if (options.password !== undefined) base.password = options.password;
  if (options.db !== undefined) base.db = options.db;
  if (options.tls !== undefined && options.tls !== false) base.tls = options.tls === true ? {} : options.tls;
  return base;
}

function clusterNode(node: RedisClusterNode): { host: string; port: number } {
  if (typeof node === 'object' && node !== null && typeof node.host === 'string' && Number.isSafeInteger(node.port)) {
    return { host: node.host, port: node.port };
  }
  if (typeof node === 'string') {
    const withScheme = /^[a-z]+:\/\//i.test(node) ? node : `redis://${node}`;
    try {
      const parsed = new URL(withScheme);
      const port = parsed.port === '' ? 6379 : Number(parsed.port);
      if (parsed.hostname !== '') return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port };
    } catch {
      // reported below
    }
  }
  return fail(`Redis Cluster node ${JSON.stringify(node)} is not host:port. Fix: e.g. '127.0.0.1:7000' or { host: '127.0.0.1', port: 7000 }.`);
}

/** Builds the ioredis client described by validated options (everything except `client`). */
export function createRedisClient(options: RedisBackendOptions, settings: RedisSettings): RedisClient {
  const { Redis, Cluster } = loadIoredis();
  const base = baseOptions(options, settings);
  if (options.cluster !== undefined) {
    const { db: _db, ...nodeOptions } = base;
    const tlsFromNodes = options.cluster.nodes.some((n) => typeof n === 'string' && n.toLowerCase().startsWith('rediss://'));
    if (tlsFromNodes && nodeOptions.tls === undefined) nodeOptions.tls = {};
    const {
      lazyConnect,
      enableOfflineQueue,
      enableAutoPipelining,
      ...redisOptions
    } = { ...nodeOptions, ...options.ioredisOptions };
    return new Cluster(options.cluster.nodes.map(clusterNode), {
      lazyConnect: lazyConnect ?? true,
      enableOfflineQueue: enableOfflineQueue ?? true,
      enableAutoPipelining: enableAutoPipelining ?? settings.autoPipelining,
      // Slot-map refreshes get the same budget as a connection attempt.
      slotsRefreshTimeout: settings.connectTimeoutMs,
      // Re-read the slot map every second (ioredis: 5 s): after a failover the promoted replica
      // is found within a second, even while the breaker holds back the commands whose MOVED
      // replies would have told the client (measured: L2 back 7.1 s after a master's death
      // with 5 s, see the fault scenario 10).
      slotsRefreshInterval: CLUSTER_SLOTS_REFRESH_MS,
      redisOptions,
      ...options.cluster.clusterOptions,
    });
  }
  if (options.sentinel !== undefined) {
    const s = options.sentinel;
    return new Redis({
      ...base,
      sentinels: s.sentinels,
      name: s.name,
      ...(s.sentinelUsername !== undefined ? { sentinelUsername: s.sentinelUsername } : {}),
      ...(s.sentinelPassword !== undefined ? { sentinelPassword: s.sentinelPassword } : {}),
      ...options.ioredisOptions,
    });
  }
  const target = parseRedisUrl(options.url);
  if (target.kind === 'unix') {
    return new Redis({
      ...(target.db !== undefined ? { db: target.db } : {}),
      ...(target.password !== undefined ? { password: target.password } : {}),
      ...base,
      path: target.path,
      ...options.ioredisOptions,
    });
  }
  return new Redis({ ...tcpUrlOptions(target.url), ...base, ...options.ioredisOptions });
}
