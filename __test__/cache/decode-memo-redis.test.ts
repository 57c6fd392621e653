/**
 * The decode memo against a real redis-server: every call still reads Redis (the server counts
 * one GET per call), and a value another writer changes is returned at once.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cache } from '../../src/cache';
import { RedisBackend } from '../../src/backends/redis/backend';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server';

let redis: RedisServerHandle;
let raw: Redis;
const backends: RedisBackend[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  raw = new Redis(redis.url);
});
afterAll(async () => {
  for (const backend of backends) await backend.close();
  raw.disconnect();
  await redis.stop();
});

async function getCalls(): Promise<number> {
  const match = /^cmdstat_get:calls=(\d+)/m.exec(await raw.info('commandstats'));
  return match === null ? 0 : Number(match[1]);
}

describe('decode memo with Redis', () => {
  it('reads Redis on every call and returns what another writer stored as soon as it is there', async () => {
    let version = 1;
    // Two processes running one function: one function object, two wrappers.
    const load = async (id: number) => ({ id, version, tags: ['x'] });
    const make = () => {
      const backend = new RedisBackend({ url: redis.url });
      backends.push(backend);
      return cache(load, { backend, l1: false, module: 'memo', name: 'shared' });
    };
    const reader = make();
    const writer = make(); // its own connection, same keys

    expect(await reader(7)).toEqual({ id: 7, version: 1, tags: ['x'] });
    await reader.flush();
    await raw.config('RESETSTAT');
    for (let i = 0; i < 5; i++) expect(await reader(7)).toEqual({ id: 7, version: 1, tags: ['x'] });
    expect(await getCalls()).toBe(5);
    expect(reader.getHealthStatus().counters.decodeMemoHits).toBe(3);

    await writer.invalidate(7);
    version = 2;
    expect(await writer(7)).toEqual({ id: 7, version: 2, tags: ['x'] });
    await writer.flush();
    expect(await reader(7)).toEqual({ id: 7, version: 2, tags: ['x'] });
    expect(reader.getHealthStatus().counters.decodeMemoHits).toBe(3);
    expect(await reader(7)).toEqual({ id: 7, version: 2, tags: ['x'] });
    expect(await reader(7)).toEqual({ id: 7, version: 2, tags: ['x'] });
    expect(reader.getHealthStatus().counters.decodeMemoHits).toBe(4);
    expect(reader.cacheInfo()).toMatchObject({ misses: 1, l2Hits: 8 });
  });

  it('gives every one of 64 concurrent readers its own key\'s value, round after round (batched reads)', async () => {
    const backend = new RedisBackend({ url: redis.url });
    backends.push(backend);
    const get = cache(async (id: number) => ({ id, label: `user-${id}`, list: [id, id + 1] }), {
      backend,
      l1: false,
      module: 'memo',
      name: 'concurrent',
    });
    const ids = Array.from({ length: 64 }, (_, i) => i);
    await Promise.all(ids.map((id) => get(id)));
    await get.flush();
    for (let round = 0; round < 5; round++) {
      const values = await Promise.all(ids.map((id) => get(id)));
      values.forEach((value, id) => expect(value).toEqual({ id, label: `user-${id}`, list: [id, id + 1] }));
      // Fresh objects every time, never one shared between callers.
      expect(new Set(values).size).toBe(64);
    }
    expect(get.getHealthStatus().counters.decodeMemoHits).toBe(64 * 3);
    expect(get.cacheInfo()).toMatchObject({ misses: 64, l2Hits: 64 * 5 });
  });
});
