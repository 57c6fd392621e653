/**
 * Tags across real processes on a real redis-server: a tag invalidated in process A drops the
 * tagged entries B holds in its L1 (through the invalidation bus) and makes L2 reads of them
 * miss in any process, a fresh one included (the stamp lives in Redis); untagged entries, other
 * tags and other tenants stay. B's reads poll for a bounded number of rounds (structure, not
 * time: the bus delivers the stamp or it does not).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { PeerProcess } from '../invalidation/support/peer-process';

const redisUrl = inject('redisUrl');
const script = path.join(__dirname, 'support', 'tagged-peer.ts');
const peers: PeerProcess[] = [];
let raw: Redis;
beforeAll(() => {
  raw = new Redis(redisUrl);
});
afterAll(() => raw.disconnect());
afterEach(() => {
  for (const peer of peers.splice(0)) peer.kill();
});

function peer(namespace: string): PeerProcess {
  const started = new PeerProcess(redisUrl, namespace, undefined, script);
  peers.push(started);
  return started;
}

interface Read {
  value: string;
  ran: boolean;
  l1: boolean;
}

async function read(process: PeerProcess, fn: 'product' | 'plain', tenant: string, id: number): Promise<Read> {
  const line = await process.ask(`read ${fn} ${tenant} ${id}`);
  const [word, value, ran, l1] = line.split(' ');
  if (word !== 'value' || value === undefined) throw new Error(`unexpected answer: ${line}`);
  return { value, ran: ran === '1', l1: l1 === '1' };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads until the value is `expected`, at most 100 rounds 20 ms apart; the last value seen. */
async function readUntil(process: PeerProcess, fn: 'product' | 'plain', tenant: string, id: number, expected: string): Promise<string> {
  let seen = '';
  for (let round = 0; round < 100; round++) {
    seen = (await read(process, fn, tenant, id)).value;
    if (seen === expected) return seen;
    await sleep(20);
  }
  return seen;
}

describe('tags across processes', () => {
  it('invalidating a tag in A drops the tagged L1 copies in B and makes L2 reads miss; the rest stays', async () => {
    const namespace = `tags-${randomBytes(3).toString('hex')}`;
    const truth = (tenant: string, id: number) => `truth:${namespace}:${tenant}:${id}`;
    const ids = [1, 2, 3, 4];
    for (const id of ids) await raw.set(truth('default', id), `p${id}`);
    await raw.set(truth('acme', 1), 'acme1');
    const [a, b] = [peer(namespace), peer(namespace)];

    // B holds everything in its L1 (and wrote it to L2): tagged, two tenants, untagged.
    const held = [...ids.map((id) => ['product', 'default', id] as const), ['product', 'acme', 1] as const, ['plain', 'default', 1] as const];
    for (const [fn, tenant, id] of held) {
      await read(b, fn, tenant, id);
      expect(await read(b, fn, tenant, id)).toMatchObject({ ran: false, l1: true });
    }
    for (const id of ids) await raw.set(truth('default', id), `p${id}-new`);
    await raw.set(truth('acme', 1), 'acme1-new');

    // A invalidates product:1; nothing rewrites that key, so only the tag stamp can reach B.
    expect(await a.ask('tag default product:1')).toBe('tagged true');
    expect(await readUntil(b, 'product', 'default', 1, 'p1-new')).toBe('p1-new');
    expect(await read(b, 'product', 'default', 2)).toEqual({ value: 'p2', ran: false, l1: true });
    expect(await read(b, 'product', 'acme', 1)).toEqual({ value: 'acme1', ran: false, l1: true });
    expect(await read(b, 'plain', 'default', 1)).toEqual({ value: 'p1', ran: false, l1: true });

    // A tag several entries share (category:0: the even ids) drops them all.
    expect(await a.ask('tag default category:0')).toBe('tagged true');
    // A process that never saw entry 4 reads it from L2: created before the stamp, a miss.
    const fresh = peer(namespace);
    expect(await read(fresh, 'product', 'default', 4)).toEqual({ value: 'p4-new', ran: true, l1: false });
    expect(await readUntil(b, 'product', 'default', 2, 'p2-new')).toBe('p2-new');
    expect(await read(b, 'product', 'default', 3)).toEqual({ value: 'p3', ran: false, l1: true });
    expect(await read(b, 'product', 'acme', 1)).toEqual({ value: 'acme1', ran: false, l1: true });
  });

  it('the stamp is in Redis under the tenant, so a restarted process still honours it', async () => {
    const namespace = `tags-${randomBytes(3).toString('hex')}`;
    await raw.set(`truth:${namespace}:default:5`, 'before');
    const first = peer(namespace);
    await read(first, 'product', 'default', 5);
    await first.quit();
    await raw.set(`truth:${namespace}:default:5`, 'after');
    const invalidator = peer(namespace);
    expect(await invalidator.ask('tag default product:5')).toBe('tagged true');
    await invalidator.quit();
    // Key parts are escaped as in every key (`:` → %3A): t:{tenant}:tag:{tag}.
    expect(await raw.exists('t:default:tag:product%3A5')).toBe(1);
    expect(await raw.exists('t:acme:tag:product%3A5')).toBe(0);
    expect(await raw.ttl('t:default:tag:product%3A5')).toBeGreaterThan(29 * 86_400);
    const restarted = peer(namespace);
    expect(await read(restarted, 'product', 'default', 5)).toEqual({ value: 'after', ran: true, l1: false });
  });
});
