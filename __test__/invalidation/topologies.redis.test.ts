/**
 * The invalidation bus on every Redis topology: through Sentinel (the subscriber follows the
 * master the sentinels name) and on a Cluster (sharded pub/sub, SSUBSCRIBE/SPUBLISH), a write in
 * one process replaces the L1 copy another process holds. Real deployments, real processes.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisCluster, type RedisClusterHandle } from '../support/redis-cluster';
import { startRedisSentinel, type RedisSentinelHandle } from '../support/redis-sentinel';
import { PeerProcess } from './support/peer-process';

const peers: PeerProcess[] = [];
afterEach(() => {
  for (const peer of peers.splice(0)) peer.kill();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function expectCoherent(redis: string): Promise<void> {
  const namespace = `topo-${randomBytes(3).toString('hex')}`;
  const a = new PeerProcess(redis, namespace);
  const b = new PeerProcess(redis, namespace);
  peers.push(a, b);
  for (const id of [1, 2, 3, 4, 5, 6]) await a.ask(`write ${id} old`);
  for (const id of [1, 2, 3, 4, 5, 6]) expect((await b.read(id)).value).toBe('old');
  for (const id of [1, 2, 3, 4, 5, 6]) expect((await b.read(id)).l1).toBe(true);
  for (const id of [1, 2, 3, 4, 5, 6]) await a.ask(`write ${id} new`);
  for (const id of [1, 2, 3, 4, 5, 6]) {
    let value = '';
    for (let round = 0; round < 100 && value !== 'new'; round++) {
      value = (await b.read(id)).value;
      if (value !== 'new') await sleep(20);
    }
    expect(value).toBe('new');
  }
  const stats = JSON.parse(await b.ask('stats')) as { invalidation: { connected: boolean; received: number } };
  expect(stats.invalidation.connected).toBe(true);
  expect(stats.invalidation.received).toBeGreaterThan(0);
  expect(await Promise.all([a.quit(), b.quit()])).toEqual([0, 0]);
}

describe('invalidation bus through Sentinel', () => {
  let deployment: RedisSentinelHandle;
  beforeAll(async () => {
    deployment = await startRedisSentinel();
  }, 60_000);
  afterAll(async () => deployment?.stop());

  it('keeps two processes coherent', async () => {
    await expectCoherent(JSON.stringify({ sentinel: { sentinels: [{ host: '127.0.0.1', port: deployment.sentinelPort }], name: deployment.masterName } }));
  });
});

describe('invalidation bus on a Redis Cluster (sharded pub/sub)', () => {
  let cluster: RedisClusterHandle;
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
  }, 60_000);
  afterAll(async () => cluster?.stop());

  it('keeps two processes coherent, announcements spread over the shard channels', async () => {
    await expectCoherent(JSON.stringify({ cluster: { nodes: cluster.seeds.map((s) => `${s.host}:${s.port}`) } }));
  });
});
