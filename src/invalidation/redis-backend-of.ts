/**
 * Recognises a Redis backend without importing its class (which would load ioredis into apps
 * that never use Redis): the invalidation bus needs its ioredis client and its close hook.
 */
import type { RedisBackend } from '../backends/redis/backend';
import type { CacheBackend } from '../backends/types';

/** `backend` as a `RedisBackend`, or undefined when it is another kind. */
export function redisBackendOf(backend: CacheBackend): RedisBackend | undefined {
  const candidate = backend as Partial<RedisBackend>;
  return backend.backendType === 'redis' && typeof candidate.onClose === 'function' && typeof candidate.client === 'object'
    ? (backend as RedisBackend)
    : undefined;
}
