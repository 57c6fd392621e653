/**
 * cachekit for Node.js: a two-tier function cache with a Rust core.
 *
 * `cache(fn, options)` caches a function's results in an in-process L1 and a shared L2
 * (Redis, a file directory, memory, or any backend implementing `CacheBackend`).
 */
export { cache, type CacheApi, type CacheFactory, type LocalCacheFactory, type LocalCacheOptions } from './cache';
export { cached, type CachedMethodOptions, type CachedMethodControls, type CacheableMethod } from './decorators';
export type {
  AnyFunction,
  CachedFunction,
  CacheControls,
  CacheHealthStatus,
  CacheHealthReport,
} from './cache/cached-function';
export type { LocalCachedFunction, LocalCacheControls } from './cache/local-function';
export type { CacheInfo, CacheCounters } from './cache/stats';
export type { CacheOptions, L1Options, L1Mode, RefreshTtlOptions, SerializerName, UserSerializer } from './config/options';
export type { PresetName } from './config/presets';
export { ENVIRONMENT_VARIABLES, reloadEnvironment, type LogLevel } from './config/env';
export { setLogger, getLogger, createConsoleLogger, type Logger, type LogFields } from './observability/logger';
export * from './errors';
export { runWithTenant, currentTenant } from './tenancy/tenant-context';
export { TenantError, DEFAULT_TENANT, type TenantOption } from './tenancy/tenant-option';
export type { EncryptionOptions } from './encryption/encryption-options';

// Backends
export type { CacheBackend, BackendCallOptions, BackendHealth, BackendEntry } from './backends/types';
export { MemoryBackend, type MemoryBackendOptions } from './backends/memory';
export { FileBackend } from './backends/file/backend';
export type { FileBackendOptions } from './backends/file/options';
export { RedisBackend } from './backends/redis/backend';
export type { RedisBackendOptions } from './backends/redis/options';
export {
  createBackend,
  resolveBackend,
  setDefaultBackend,
  getDefaultBackend,
  closeSharedBackends,
  BACKEND_ENVIRONMENT_VARIABLES,
  type BackendSpec,
  type BackendOption,
} from './backends/resolve';
export { runBackendConformance } from './backends/conformance';

// Reliability
export type {
  ReliabilityOptions,
  CircuitBreakerOptions,
  AdaptiveTimeoutOptions,
  BackpressureOptions,
  LockOptions,
} from './reliability/options';
export type { CircuitState, CircuitStateChange } from './reliability/circuit-breaker';

// Keys and codec, for direct use
export { argsHash, cacheKey, interopKey, tenantScopedKey } from './keys';
export { createCodec, type Codec, type CodecContext, type CodecOptions, type Serializer } from './codec';
export { float64, isoDateTime, uuid } from './codec';

// Native core
export {
  ByteStorage,
  TenantKeys,
  deriveTenantKeys,
  deriveDomainKey,
  keyFingerprint,
  encryptAesGcm,
  decryptAesGcm,
  createAad,
  blake2b256,
  xxh3_64,
  type AeadAlgorithm,
} from './native';
