import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BackendError } from '../../src/errors';
import { runBackendConformance } from '../../src/backends/conformance';
import { RedisBackend } from '../../src/backends/redis/backend';

const url = inject('redisUrl');
const prefix = () => `ck-test:redis:${randomBytes(6).toString('hex')}:`;

runBackendConformance('redis (standalone, url)', () => new RedisBackend({ url }), { describe, it, beforeAll, afterAll }, {
  capabilities: { ttl: true, locks: true, batch: true, clearPrefix: true },
  keyPrefix: prefix(),
});

describe('RedisBackend on the shared redis-server', () => {
  let backend: RedisBackend;
  let raw: Redis;
  const p = prefix();

  beforeAll(() => {
    backend = new RedisBackend({ url });
    raw = new Redis(url);
  });
  afterAll(async () => {
    await backend.clearPrefix(p);
    await backend.close();
    await raw.quit();
  });

  it('writes SET key value EX ttl for whole-second TTLs and a plain SET without one', async () => {
    await backend.set(`${p}ex`, Buffer.from('v'), 30);
    await backend.set(`${p}plain`, Buffer.from('v'));
    const ttl = await raw.ttl(`${p}ex`);
    expect(ttl).toBeGreaterThan(25);
    expect(ttl).toBeLessThanOrEqual(30);
    expect(await raw.ttl(`${p}plain`)).toBe(-1);
  });

  it('stores the exact bytes under the exact key it was given (no prefix of its own)', async () => {
    const value = randomBytes(64);
    await backend.set(`${p}exact`, value);
    expect(await raw.getBuffer(`${p}exact`)).toEqual(value);
  });

  it('takes the lock as SET <key>:lock token NX PX lease, like cachekit-py', async () => {
    expect(await backend.acquireLock(`${p}locked`, 'tok-1', 5000)).toBe(true);
    expect(await raw.get(`${p}locked:lock`)).toBe('tok-1');
    const pttl = await raw.pttl(`${p}locked:lock`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(5000);
    // A lock taken by another SDK process (same key, other token) is respected.
    await raw.set(`${p}foreign:lock`, 'python-token', 'PX', 5000);
    expect(await backend.acquireLock(`${p}foreign`, 'tok-2', 5000)).toBe(false);
    expect(await backend.releaseLock(`${p}foreign`, 'tok-2')).toBe(false);
    expect(await raw.get(`${p}foreign:lock`)).toBe('python-token');
  });

  it('round-trips a 50 MB binary value', async () => {
    // Used directly, the backend holds no deadline: this test is about size, not speed.
    const big = new RedisBackend({ url });
    try {
      const value = randomBytes(50 * 1024 * 1024);
      await big.set(`${p}huge`, value, 60);
      const back = await big.get(`${p}huge`);
      expect(back?.length).toBe(value.length);
      expect(back?.equals(value)).toBe(true);
      expect(await big.delete(`${p}huge`)).toBe(true);
    } finally {
      await big.close();
    }
  }, 120_000);

  it('clears thousands of keys by SCAN without touching keys outside the prefix', async () => {
    const base = `${p}bulk:`;
    const pipeline = raw.pipeline();
    for (let i = 0; i < 3000; i++) pipeline.set(`${base}${i}`, 'v');
    pipeline.set(`${p}bulk-outside`, 'v');
    await pipeline.exec();
    expect(await backend.clearPrefix(base)).toBe(3000);
    expect(await raw.exists(`${p}bulk-outside`)).toBe(1);
    const [, left] = await raw.scan('0', 'MATCH', `${base}*`, 'COUNT', 10_000);
    expect(left).toEqual([]);
  });

  it('works with a client the caller owns and leaves it open on close', async () => {
    const own = new Redis(url);
    const wrapped = new RedisBackend({ client: own });
    await wrapped.set(`${p}owned`, Buffer.from('v'));
    expect(await wrapped.get(`${p}owned`)).toEqual(Buffer.from('v'));
    expect(wrapped.ownsClient).toBe(false);
    await wrapped.close();
    expect(await own.get(`${p}owned`)).toBe('v');
    await own.quit();
  });

  it('honours the keyPrefix of a caller-owned client, including in clearPrefix', async () => {
    const own = new Redis(url, { keyPrefix: `${p}app:` });
    const wrapped = new RedisBackend({ client: own });
    await wrapped.set('a', Buffer.from('1'));
    await wrapped.set('b', Buffer.from('2'));
    await raw.set(`${p}other:a`, 'x');
    expect(await raw.get(`${p}app:a`)).toBe('1');
    expect(await wrapped.clearPrefix('a')).toBe(1);
    expect(await raw.exists(`${p}app:a`)).toBe(0);
    expect(await raw.get(`${p}app:b`)).toBe('2');
    expect(await raw.get(`${p}other:a`)).toBe('x');
    await wrapped.close();
    await own.quit();
  });

  it('reports version, memory, clients and role in healthCheck', async () => {
    const health = await backend.healthCheck();
    expect(health.ok).toBe(true);
    expect(health.details).toMatchObject({ mode: 'standalone', role: 'master' });
    expect(typeof health.details.version).toBe('string');
    expect(typeof health.details.used_memory_human).toBe('string');
    expect(Number(health.details.connected_clients)).toBeGreaterThan(0);
  });

  it('does not open a connection until the first call', async () => {
    const lazy = new RedisBackend({ url });
    expect(lazy.client.status).toBe('wait');
    await lazy.close();
  });

  it('rejects WRONGTYPE as a permanent BackendError', async () => {
    await raw.lpush(`${p}list`, 'x');
    const err = await backend.get(`${p}list`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as BackendError).kind).toBe('permanent');
    expect((err as BackendError).operation).toBe('get');
  });
});
