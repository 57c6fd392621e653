/**
 * For tests that play someone with write access to Redis: a raw ioredis client next to the
 * RedisBackend the caches under test use, both on the suite's redis-server, opened before the
 * file's tests and closed after them.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, inject } from 'vitest';
import { RedisBackend } from '../../src/backends/redis/backend';

/** The raw client and the backend (set once the file's `beforeAll` ran). */
export interface RedisAndBackend {
  redis: Redis;
  backend: RedisBackend;
}

/** Registers the hooks that open and close both; call at the top level of a test file. */
export function useRedisAndBackend(): RedisAndBackend {
  const url = inject('redisUrl');
  const pair = {} as RedisAndBackend;
  beforeAll(() => {
    pair.redis = new Redis(url);
    pair.backend = new RedisBackend({ url });
  });
  afterAll(async () => {
    pair.redis.disconnect();
    await pair.backend.close();
  });
  return pair;
}
