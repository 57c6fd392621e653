/**
 * Many processes, one truth: with the invalidation bus (on by default with a Redis L2), a write,
 * an `invalidate()` or a `cacheClear()` in one process makes the others drop their L1 copies.
 * Real child processes against a real redis-server; reads poll for a bounded number of rounds
 * (structure, not time: a process either sees the new value or keeps serving the old one).
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { PeerProcess } from './support/peer-process';

const redisUrl = inject('redisUrl');
const peers: PeerProcess[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) peer.kill();
});

function peer(namespace: string, invalidation?: unknown): PeerProcess {
  const started = new PeerProcess(redisUrl, namespace, invalidation);
  peers.push(started);
  return started;
}

const namespaceFor = (label: string) => `coh-${label}-${randomBytes(3).toString('hex')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads `id` in `reader` until it shows `expected`, at most `rounds` times 20 ms apart; the last value seen. */
async function readUntil(reader: PeerProcess, id: number, expected: string, rounds = 100): Promise<string> {
  let seen = '';
  for (let i = 0; i < rounds; i++) {
    seen = (await reader.read(id)).value;
    if (seen === expected) return seen;
    await sleep(20);
  }
  return seen;
}

describe('L1 coherence across processes', () => {
  it('a write in one process replaces the L1 copy another process holds', async () => {
    const namespace = namespaceFor('write');
    const [a, b] = [peer(namespace), peer(namespace)];
    await a.ask('write 1 v1');
    expect(await b.read(1)).toEqual({ value: 'v1', ran: false, l1: false }); // from L2, now in B's L1
    expect(await b.read(1)).toEqual({ value: 'v1', ran: false, l1: true });
    await a.ask('write 1 v2');
    expect(await readUntil(b, 1, 'v2')).toBe('v2');
  });

  it('without the bus, the other process keeps serving its stale L1 copy (what the bus fixes)', async () => {
    const namespace = namespaceFor('nobus');
    const [a, b] = [peer(namespace, false), peer(namespace, false)];
    await a.ask('write 1 v1');
    expect((await b.read(1)).value).toBe('v1');
    await a.ask('write 1 v2');
    expect(await readUntil(b, 1, 'v2', 10)).toBe('v1');
  });

  it('invalidate() in one process drops the copy in another: its next read recomputes', async () => {
    const namespace = namespaceFor('invalidate');
    const [a, b] = [peer(namespace), peer(namespace)];
    await a.ask('write 7 first');
    expect((await b.read(7)).value).toBe('first');
    await a.ask('invalidate 7');
    let ran = false;
    for (let i = 0; i < 100 && !ran; i++) {
      ran = (await b.read(7)).ran;
      if (!ran) await sleep(20);
    }
    expect(ran).toBe(true);
  });

  it('cacheClear() in one process drops every copy of the function in another', async () => {
    const namespace = namespaceFor('clear');
    const [a, b] = [peer(namespace), peer(namespace)];
    for (const id of [1, 2, 3]) await a.ask(`write ${id} old${id}`);
    for (const id of [1, 2, 3]) expect((await b.read(id)).value).toBe(`old${id}`);
    // The truth changes behind the cache's back; only the clear makes B look again.
    const raw = peer(namespace);
    for (const id of [1, 2, 3]) await raw.ask(`write ${id} new${id}`);
    await a.ask('clear');
    for (const id of [1, 2, 3]) expect(await readUntil(b, id, `new${id}`)).toBe(`new${id}`);
  });

  it('a process ignores its own announcements: its fresh L1 copy stays', async () => {
    const namespace = namespaceFor('own');
    const a = peer(namespace);
    await a.ask('write 3 mine');
    // A second process hears the announcement, so it has come back to the first one too.
    const b = peer(namespace);
    expect((await b.read(3)).value).toBe('mine');
    await a.ask('invalidate 99');
    await sleep(50);
    expect(await a.read(3)).toEqual({ value: 'mine', ran: false, l1: true });
  });
});
