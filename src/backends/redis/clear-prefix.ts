/**
 * Removes every key under a prefix with SCAN + UNLINK: SCAN walks the keyspace in small steps
 * (KEYS would block the server for the whole walk), UNLINK frees values in the background.
 * On a Cluster every master is scanned and each key is unlinked on its own, so no command ever
 * spans two hash slots (CROSSSLOT); auto-pipelining still batches those per node.
 */
import type { Cluster, Redis } from 'ioredis';
import type { RedisClient } from './options';

/** Keys asked for per SCAN step: large enough to be quick, small enough not to stall Redis. */
const SCAN_COUNT = 1000;

/** Runs one Redis command under the caller's deadline and signal. */
export type CommandStep = <T>(command: () => Promise<T>) => Promise<T>;

/** Escapes Redis glob metacharacters (`* ? [ ] \`) so a pattern matches `text` literally. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** The ioredis `keyPrefix` of a client as bytes (applied to key arguments, not to SCAN output). */
function clientKeyPrefix(client: RedisClient): Buffer {
  const prefix = (client.options as { keyPrefix?: string | Buffer }).keyPrefix;
  if (prefix === undefined || prefix === '') return Buffer.alloc(0);
  return Buffer.isBuffer(prefix) ? prefix : Buffer.from(prefix);
}

async function scanNode(
  node: Redis,
  pattern: string,
  step: CommandStep,
  onKeys: (keys: Buffer[]) => Promise<void>,
): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await step(() => node.scanBuffer(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT));
    cursor = next.toString();
    if (keys.length > 0) await onKeys(keys);
  } while (cursor !== '0');
}

/** Deletes every key starting with `prefix`; returns how many were removed. */
export async function clearPrefix(client: RedisClient, prefix: string, step: CommandStep): Promise<number> {
  const ownPrefix = clientKeyPrefix(client);
  const pattern = `${escapeGlob(ownPrefix.toString() + prefix)}*`;
  // SCAN returns full key names, but UNLINK adds the client's keyPrefix again: strip it.
  const strip = (keys: Buffer[]) => (ownPrefix.length === 0 ? keys : keys.map((k) => k.subarray(ownPrefix.length)));
  let removed = 0;

  if (client.isCluster) {
    const cluster = client as Cluster;
    // A lazily connected cluster knows no nodes until its first command.
    if (cluster.status !== 'ready') await step(() => cluster.ping());
    for (const node of cluster.nodes('master')) {
      await scanNode(node, pattern, step, async (keys) => {
        const counts = await step(() => Promise.all(strip(keys).map((k) => cluster.unlink(k))));
        removed += counts.reduce((sum, n) => sum + n, 0);
      });
    }
    return removed;
  }

  const redis = client as Redis;
  await scanNode(redis, pattern, step, async (keys) => {
    removed += await step(() => redis.unlink(...strip(keys)));
  });
  return removed;
}
