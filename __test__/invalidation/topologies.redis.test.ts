/**
 * The invalidation bus on every Redis topology: through Sentinel (the subscriber follows the
 * master the sentinels name) and on a Cluster (sharded pub/sub, SSUBSCRIBE/SPUBLISH), a write in
 * one process replaces the L1 copy another process holds. Real deployments, real processes.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, expect } from 'vitest';
import { itOnSentinelAndCluster, pollUntil } from '../support/peer-topologies';
import { PeerProcess } from './support/peer-process';

const peers: PeerProcess[] = [];
afterEach(() => {
  for (const peer of peers.splice(0)) peer.kill();
});

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
    expect(await pollUntil(async () => (await b.read(id)).value === 'new')).toBe(true);
  }
  const stats = JSON.parse(await b.ask('stats')) as { invalidation: { connected: boolean; received: number } };
  expect(stats.invalidation.connected).toBe(true);
  expect(stats.invalidation.received).toBeGreaterThan(0);
  expect(await Promise.all([a.quit(), b.quit()])).toEqual([0, 0]);
}

itOnSentinelAndCluster('invalidation bus', 'keeps two processes coherent', expectCoherent);
