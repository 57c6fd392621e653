/**
 * One multi-process check run against Redis behind Sentinel and on a 3-master Cluster: each
 * deployment is started once for its `describe` block and handed to the check as the connection
 * spec peer processes take (JSON: `{ sentinel: … }` or `{ cluster: … }`).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startRedisCluster, type RedisClusterHandle } from './redis-cluster';
import { startRedisSentinel, type RedisSentinelHandle } from './redis-sentinel';

/** Registers `check` under `<title> through Sentinel` and `<title> on a Redis Cluster`. */
export function itOnSentinelAndCluster(title: string, testName: string, check: (redisSpec: string) => Promise<void>): void {
  describe(`${title} through Sentinel`, () => {
    let deployment: RedisSentinelHandle;
    beforeAll(async () => {
      deployment = await startRedisSentinel();
    }, 60_000);
    afterAll(async () => deployment?.stop());

    it(testName, async () => {
      await check(JSON.stringify({ sentinel: { sentinels: [{ host: '127.0.0.1', port: deployment.sentinelPort }], name: deployment.masterName } }));
    });
  });

  describe(`${title} on a Redis Cluster (sharded pub/sub)`, () => {
    let cluster: RedisClusterHandle;
    beforeAll(async () => {
      cluster = await startRedisCluster(3);
    }, 60_000);
    afterAll(async () => cluster?.stop());

    it(testName, async () => {
      await check(JSON.stringify({ cluster: { nodes: cluster.seeds.map((s) => `${s.host}:${s.port}`) } }));
    });
  });
}

/** Polls `done` up to `rounds` times, `intervalMs` apart; returns whether it became true. */
export async function pollUntil(done: () => Promise<boolean>, rounds = 100, intervalMs = 20): Promise<boolean> {
  for (let round = 0; round < rounds; round++) {
    if (await done()) return true;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return false;
}
