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
export type { CacheOptions, DecodeMemoOptions, L1Options, L1Mode, RefreshTtlOptions, SerializerName, UserSerializer } from './config/options';
export type { PresetName } from './config/presets';
export { ENVIRONMENT_VARIABLES, reloadEnvironment, type LogLevel } from './config/env';
export { setLogger, getLogger, createConsoleLogger, setLogOptions, type Logger, type LogFields, type LogOptions } from './observability/logger';
export { runWithCorrelationId, currentCorrelationId } from './observability/correlation';
export { registerMetrics, type MetricsOptions, type CachekitMetrics } from './observability/metrics/register-metrics';
export type { MetricsRegistry } from './observability/metrics/prom-client';
export type { HistogramBuckets } from './observability/metrics/timing-metrics';
export { checkHealth } from './observability/health/health-check';
export { healthHandler, type HealthHandler, type NodeHealthResponse, type FastifyHealthReply } from './observability/health/health-handler';
export type {
  HealthCheckOptions,
  HealthComponent,
  HealthComponentKind,
  HealthLevel,
  HealthReport,
  HealthStatus,
} from './observability/health/health-report';
export {
  TRACING_CHANNELS,
  type CallOutcome,
  type CallMessage,
  type L2Message,
  type FunctionMessage,
  type LockMessage,
} from './observability/tracing-channels';
export * from './errors';
export { runWithTenant, currentTenant } from './tenancy/tenant-context';
export { TenantError, DEFAULT_TENANT, type TenantOption } from './tenancy/tenant-option';
export type { EncryptionOptions } from './encryption/encryption-options';
export type { KeyedIntegrityOptions } from './encryption/keyed-integrity-options';

// Backends
export * from './backends';

// Reliability
export type {
  ReliabilityOptions,
  CircuitBreakerOptions,
  AdaptiveTimeoutOptions,
  BackpressureOptions,
  LockOptions,
} from './reliability/options';
export type { CircuitState, CircuitStateChange } from './reliability/circuit-breaker';
export { ResilientBackend } from './reliability/resilient-backend';
export type { ResilientBackendStats, ResilientBackendEvents } from './reliability/resilient-backend-events';
export type { FailureReason, OperationResult } from './reliability/operation-result';

// Keys and codec, for direct use
export { argsHash, cacheKey, functionKey, type FunctionKeyInput, interopKey, tenantScopedKey, createKeyBuilder, serializerCode, type KeyBuilder, type KeyBuilderOptions } from './keys';
export {
  createCodec,
  createInteropValueCodec,
  createTenantKeysEncryptor,
  standardSerializer,
  autoSerializer,
  jsonSerializer,
  createArrowSerializer,
  DecodeBoundsError,
  PythonFrameError,
  float64,
  isoDateTime,
  uuid,
  type Codec,
  type CodecContext,
  type CodecOptions,
  type Serializer,
  type ValueEncryptor,
  type EncryptionContext,
  type InteropValueCodec,
} from './codec';

// Native core
export {
  ByteStorage,
  TenantKeys,
  deriveTenantKeys,
  loadMasterKeyring,
  MasterKeyring,
  deriveDomainKey,
  keyFingerprint,
  encryptAesGcm,
  decryptAesGcm,
  createAad,
  blake2b256,
  blake2b256Hex,
  blake2b128,
  xxh3_64,
  isNativeError,
  NativeErrorCode,
  limits,
  type AeadAlgorithm,
} from './native';
