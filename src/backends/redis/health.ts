/**
 * Redis health check: PING latency plus a few INFO fields. Never throws and never reports
 * keys, values, URLs or credentials.
 */
import type { Cluster, RedisOptions } from 'ioredis';
import { BackendError } from '../../errors';
import type { BackendHealth } from '../types';
import type { CommandStep } from './clear-prefix';
import type { RedisClient } from './options';

/** INFO fields copied into the health details. */
const INFO_FIELDS = ['redis_version', 'used_memory_human', 'connected_clients', 'role'] as const;

/** `field:value` lines of an INFO (or CLUSTER INFO) reply. */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

/** How the client reaches Redis. */
export function redisMode(client: RedisClient): 'cluster' | 'sentinel' | 'standalone' {
  if (client.isCluster) return 'cluster';
  const sentinels = (client.options as RedisOptions).sentinels;
  return Array.isArray(sentinels) && sentinels.length > 0 ? 'sentinel' : 'standalone';
}

/** Runs the check through `step` (deadline and error mapping of the backend). */
export async function checkRedisHealth(client: RedisClient, step: CommandStep): Promise<BackendHealth> {
  const mode = redisMode(client);
  const started = performance.now();
  try {
    await step(() => client.ping());
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    const info = parseInfo(await step(() => client.info()));
    const details: Record<string, unknown> = { mode };
    for (const field of INFO_FIELDS) {
      const value = info.get(field);
      if (value !== undefined) details[field === 'redis_version' ? 'version' : field] = value;
    }
    if (client.isCluster) {
      const cluster = client as Cluster;
      const clusterInfo = parseInfo(String(await step(() => cluster.cluster('INFO'))));
      details.cluster_state = clusterInfo.get('cluster_state');
      details.masters = cluster.nodes('master').length;
      // A node can answer PING while some slots are unserved; only a whole cluster is healthy.
      return { ok: details.cluster_state === 'ok', latencyMs, backendType: 'redis', details };
    }
    return { ok: true, latencyMs, backendType: 'redis', details };
  } catch (err) {
    return {
      ok: false,
      latencyMs: -1,
      backendType: 'redis',
      details: {
        mode,
        error: err instanceof Error ? err.message : String(err),
        errorKind: err instanceof BackendError ? err.kind : 'unknown',
      },
    };
  }
}
