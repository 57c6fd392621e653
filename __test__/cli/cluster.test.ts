/**
 * The CLI on a real 3-master Redis Cluster: `--cluster` scans every master (entries are spread
 * over the hash slots), reads values from the node that owns them, and clears across masters
 * one key per command (no CROSSSLOT).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBackend } from '../../src/backends/redis/backend';
import { startRedisCluster, type RedisClusterHandle } from '../support/redis-cluster';
import { entriesByKey, jsonLines, runCli, summaryOf } from './support/run-cli';
import { flipEnvelopeLiteral, seedCache, type SeededKeys } from './support/seed-cache';

const MASTER_KEY = randomBytes(32).toString('hex');

let cluster: RedisClusterHandle;
let keys: SeededKeys;
let seed: string;

beforeAll(async () => {
  cluster = await startRedisCluster(3);
  seed = `redis://127.0.0.1:${cluster.nodes[0]!.port}`;
  const backend = new RedisBackend({ cluster: { nodes: cluster.seeds } });
  keys = await seedCache(backend, 'cluster', MASTER_KEY);
  // A damaged entry, written through the cluster client (it routes the key to its master).
  const damaged = keys.plain[0]!;
  await backend.set(damaged, flipEnvelopeLiteral((await backend.get(damaged))!), 600);
  await backend.close();
}, 90_000);

afterAll(async () => {
  await cluster?.stop();
});

/** How many of `keys` each master holds. */
async function perMaster(list: readonly string[]): Promise<number[]> {
  return Promise.all(
    cluster.nodes.map(async (node) => {
      const redis = new Redis(node.port, '127.0.0.1');
      const held = (await redis.keys('*')).filter((key) => list.includes(key)).length;
      redis.disconnect();
      return held;
    }),
  );
}

describe('cachekit on a Redis Cluster', () => {
  const all = () => [...keys.plain, ...keys.sealed, ...keys.keyed, ...keys.interop, ...keys.interopSealed];

  it('inspect --cluster finds every entry on every master and opens the sealed ones', async () => {
    const spread = await perMaster(all());
    expect(spread.filter((n) => n > 0).length).toBeGreaterThan(1);
    const run = await runCli(['inspect', '--redis', seed, '--cluster', '--json'], { env: { CACHEKIT_MASTER_KEY: MASTER_KEY } });
    expect(run.code).toBe(1);
    const entries = entriesByKey(run);
    expect([...entries.keys()].sort()).toEqual(all().sort());
    expect(entries.get(keys.plain[0]!)).toMatchObject({ verdict: 'bad', checksum: 'failed' });
    for (const key of keys.sealed) expect(entries.get(key)).toMatchObject({ verdict: 'ok', sealedWith: 'current' });
  });

  it('health --cluster checks the cluster state', async () => {
    const run = await runCli(['health', '--redis', seed, '--cluster', '--json', '--degraded-ms', '60000']);
    expect(run.code).toBe(0);
    expect(jsonLines(run)[0]!.details).toMatchObject({ mode: 'cluster', cluster_state: 'ok', masters: 3 });
  });

  it('verify --delete-bad and clear --yes work across masters', async () => {
    const verify = await runCli(['verify', '--redis', seed, '--cluster', '--delete-bad', '--json']);
    expect(summaryOf(verify)).toMatchObject({ bad: 1, deleted: 1 });
    const clear = await runCli(['clear', '--redis', seed, '--cluster', '--all', '--yes', '--json']);
    expect(summaryOf(clear).removed).toBe(all().length - 1);
    expect((await perMaster(all())).every((n) => n === 0)).toBe(true);
  });
});
