/**
 * Tag invalidation on every Redis topology: through Sentinel and on a Cluster (where stamps
 * travel on sharded pub/sub, each on the shard its stamp key hashes to), a tag invalidated in
 * one process drops the tagged L1 copies another process holds and leaves the others. Real
 * deployments, real processes; reads poll a bounded number of rounds.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import { itOnSentinelAndCluster, pollUntil } from '../support/peer-topologies';
import { PeerProcess } from '../invalidation/support/peer-process';

const script = path.join(__dirname, 'support', 'tagged-peer.ts');
const peers: PeerProcess[] = [];
afterEach(() => {
  for (const peer of peers.splice(0)) peer.kill();
});

async function read(peer: PeerProcess, id: number): Promise<{ ran: boolean; l1: boolean }> {
  const [, , ran, l1] = (await peer.ask(`read product default ${id}`)).split(' ');
  return { ran: ran === '1', l1: l1 === '1' };
}

async function expectTagsReachPeers(redis: string): Promise<void> {
  const namespace = `tagtopo-${randomBytes(3).toString('hex')}`;
  const [a, b] = [new PeerProcess(redis, namespace, undefined, script), new PeerProcess(redis, namespace, undefined, script)];
  peers.push(a, b);
  const ids = [1, 2, 3, 4, 5, 6];
  for (const id of ids) {
    await read(b, id);
    expect(await read(b, id)).toEqual({ ran: false, l1: true });
  }
  // Three tags stamped at once: their stamp keys hash to different shards on a Cluster.
  for (const id of [1, 3, 5]) expect(await a.ask(`tag default product:${id}`)).toBe('tagged true');
  for (const id of [1, 3, 5]) expect(await pollUntil(async () => (await read(b, id)).ran)).toBe(true);
  for (const id of [2, 4, 6]) expect(await read(b, id)).toEqual({ ran: false, l1: true });
  expect(await Promise.all([a.quit(), b.quit()])).toEqual([0, 0]);
}

itOnSentinelAndCluster('tags', 'a tag invalidated in one process reaches the other', expectTagsReachPeers);
