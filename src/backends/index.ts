/**
 * The L2 backends: the protocol, the built-in backends (memory, file, Redis), their error
 * classification, and resolution. (The conformance suite for third-party backends is
 * published on its own, as `cachekit/testing`: src/testing.ts.)
 */
export type { BackendCallOptions, BackendEntry, BackendHealth, CacheBackend } from './types';
export { MemoryBackend, MEMORY_BACKEND_DEFAULTS, type MemoryBackendOptions } from './memory';
export { FileBackend } from './file/backend';
export { FILE_BACKEND_DEFAULTS, type FileBackendOptions } from './file/options';
export { RedisBackend } from './redis/backend';
export { LOCK_KEY_SUFFIX } from './lock-key';
export {
  REDIS_BACKEND_DEFAULTS,
  type RedisBackendOptions,
  type RedisClient,
  type RedisClusterConfig,
  type RedisClusterNode,
  type RedisSentinelConfig,
} from './redis/options';
export { classifyFsError, classifyRedisError, type FsErrorScope } from './classify';
export {
  BACKEND_ENVIRONMENT_VARIABLES,
  closeSharedBackends,
  createBackend,
  getDefaultBackend,
  isCacheBackend,
  L1_ONLY_WARNING_CODE,
  resolveBackend,
  setDefaultBackend,
  type BackendOption,
  type BackendSpec,
} from './resolve';
