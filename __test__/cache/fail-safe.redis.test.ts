/**
 * Fail-safe against a real redis-server: the entry stays in Redis `maxStaleSeconds` past its
 * TTL (Redis expires it then), and a process that never saw the value serves it when the
 * function fails, also through the distributed stampede lock. Entries expire on Redis's clock,
 * so the test waits out a one-second TTL (setup, not a measured bound).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cache } from '../../src';
import { useRedisAndBackend } from '../support/redis-and-backend';

const redis = useRedisAndBackend();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fail-safe on Redis', () => {
  for (const lock of [false, true]) {
    it(`serves the entry kept past its TTL when the function throws${lock ? ' (with the stampede lock)' : ''}`, async () => {
      const namespace = `fs-${randomBytes(3).toString('hex')}`;
      let failing = false;
      const load = async (id: number) => {
        if (failing) throw new Error('source down');
        return { id, at: 'first' };
      };
      const options = { backend: redis.backend, namespace, name: 'load', ttl: 1, failSafe: { maxStaleSeconds: 60 }, reliability: { lock: lock ? {} : false } } as const;
      const writer = cache(load, { ...options, l1: false });
      expect(await writer(1)).toEqual({ id: 1, at: 'first' });
      await writer.flush();
      const [key] = (await redis.redis.keys(`t:default:ns:${namespace}:*`)).filter((k) => !k.endsWith(':lock'));
      const ttl = await redis.redis.pttl(key as string);
      expect(ttl).toBeGreaterThan(1000);
      expect(ttl).toBeLessThanOrEqual(61_000);

      await sleep(1100); // past the TTL: the entry is stale, still in Redis
      failing = true;
      const reader = cache(load, { ...options, l1: false });
      expect(await reader(1)).toEqual({ id: 1, at: 'first' });
      expect(reader.getHealthStatus().counters.failSafeHits).toBe(1);
      expect(reader.cacheInfo()).toMatchObject({ l2Hits: 0, misses: 1 });
    });
  }
});
