/**
 * The Redis backend on a real 3-master Redis Cluster started by this suite.
 */
import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendError } from '../../src/errors';
import { runBackendConformance } from '../../src/backends/conformance';
import { RedisBackend } from '../../src/backends/redis/backend';
import { startRedisCluster, type RedisClusterHandle } from '../support/redis-cluster';

let cluster: RedisClusterHandle;
/** Clients the tests create and own; a backend never closes a caller's client. */
const ownedClients: Cluster[] = [];
beforeAll(async () => {
  cluster = await startRedisCluster(3);
}, 60_000);
afterAll(async () => {
  for (const client of ownedClients) client.disconnect();
  await cluster?.stop();
});

runBackendConformance(
  'redis (cluster)',
  () => new RedisBackend({ cluster: { nodes: cluster.seeds } }),
  { describe, it, beforeAll, afterAll },
  { capabilities: { ttl: true, locks: true, batch: true, clearPrefix: true } },
);

runBackendConformance(
  'redis (caller-owned Cluster client)',
  () => {
    const client = new Cluster(cluster.seeds, { enableAutoPipelining: true });
    ownedClients.push(client);
    return new RedisBackend({ client });
  },
  { describe, it, beforeAll, afterAll },
  { capabilities: { ttl: true, locks: true, batch: true, clearPrefix: true } },
);

describe('RedisBackend on a Redis Cluster', () => {
  let backend: RedisBackend;
  const p = `ck-test:cluster:${randomBytes(4).toString('hex')}:`;
  const direct = () => cluster.nodes.map((n) => new Redis(n.port, '127.0.0.1'));

  beforeAll(() => {
    backend = new RedisBackend({ cluster: { nodes: cluster.seeds.map((s) => `redis://${s.host}:${s.port}`) } });
  });
  afterAll(async () => {
    await backend.clearPrefix(p);
    await backend.close();
  });

  it('spreads keys over every master and reads each back from the right node', async () => {
    const keys = Array.from({ length: 300 }, (_, i) => `${p}spread:${i}`);
    await Promise.all(keys.map((k) => backend.set(k, Buffer.from(k))));
    const clients = direct();
    try {
      const counts = await Promise.all(
        clients.map(async (c) => (await c.scan('0', 'MATCH', `${p}spread:*`, 'COUNT', 10_000))[1].length),
      );
      for (const count of counts) expect(count).toBeGreaterThan(0);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(keys.length);
    } finally {
      for (const c of clients) c.disconnect();
    }
    const values = await Promise.all(keys.map((k) => backend.get(k)));
    values.forEach((v, i) => expect(v).toEqual(Buffer.from(keys[i]!)));
  });

  it('batches across hash slots without CROSSSLOT', async () => {
    const entries = Array.from({ length: 200 }, (_, i) => ({ key: `${p}batch:${i}`, value: randomBytes(16), ttlSeconds: 60 }));
    await backend.setMany(entries);
    const got = await backend.getMany(entries.map((e) => e.key));
    got.forEach((v, i) => expect(v).toEqual(entries[i]!.value));
  });

  it('clears a prefix on every master', async () => {
    const base = `${p}clear:`;
    const keys = Array.from({ length: 1000 }, (_, i) => ({ key: `${base}${i}`, value: Buffer.from('v') }));
    await backend.setMany(keys);
    await backend.set(`${p}keep`, Buffer.from('keep'));
    expect(await backend.clearPrefix(base)).toBe(1000);
    const clients = direct();
    try {
      for (const c of clients) expect((await c.scan('0', 'MATCH', `${base}*`, 'COUNT', 10_000))[1]).toEqual([]);
    } finally {
      for (const c of clients) c.disconnect();
    }
    expect(await backend.get(`${p}keep`)).toEqual(Buffer.from('keep'));
  });

  it('reports cluster state and the number of masters in healthCheck', async () => {
    const health = await backend.healthCheck();
    expect(health.ok).toBe(true);
    expect(health.details).toMatchObject({ mode: 'cluster', cluster_state: 'ok', masters: 3 });
  });

  it('classifies MOVED (a plain client asking the wrong node) as transient', async () => {
    const first = cluster.nodes[0]!;
    const plain = new RedisBackend({ url: first.url });
    try {
      const raw = new Redis(first.port, '127.0.0.1');
      // Find a key whose slot is served by another node.
      let foreign = '';
      for (let i = 0; foreign === '' && i < 1000; i++) {
        const candidate = `${p}moved:${i}`;
        const slot = Number(await raw.call('CLUSTER', 'KEYSLOT', candidate));
        const slots = (await raw.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
        const owner = slots.find(([from, to]) => slot >= from && slot <= to);
        if (owner && owner[2][1] !== first.port) foreign = candidate;
      }
      raw.disconnect();
      const err = await plain.get(foreign).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackendError);
      expect((err as BackendError).message).toContain('MOVED');
      expect((err as BackendError).kind).toBe('transient');
    } finally {
      await plain.close();
    }
  });
});
