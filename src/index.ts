/**
 * cachekit for Node.js: a two-tier function cache with a Rust core.
 *
 * `cache(fn, options)` caches a function's results in an in-process L1 and a shared L2
 * (Redis, a file directory, memory, or any backend implementing `CacheBackend`).
 *
 * The root holds what a user of the cache needs; every name here is a promise to keep.
 * Elsewhere: `cachekit/native` (the Rust core's primitives), `cachekit/keys` (the keys entries
 * are stored under), `cachekit/testing` (the backend conformance suite), `cachekit/otel` (the
 * OpenTelemetry bridge).
 */
export { cache } from './cache';
export { cached, type CachedMethodOptions, type CachedMethodControls } from './decorators';
export type { CachedFunction, CacheHealthStatus, CacheHealthReport } from './cache/cached-function';
export type { CacheInfo } from './cache/stats';
export type { CacheOptions, UserSerializer } from './config/options';
export type { ReliabilityOptions } from './reliability/options';
export type { EncryptionOptions } from './encryption/encryption-options';
export type { TagsOption, TagsOptions } from './tags/tag-options';
export type { FactoryTimeoutOptions, FailSafeOptions } from './fail-safe/options';
export { invalidateTags, type InvalidateTagsOptions } from './tags/invalidate-tags';
export type { KeyedIntegrityOptions } from './encryption/keyed-integrity-options';

// Errors: every one carries a stable `code`; branch with `instanceof` or on the code.
export {
  CachekitError,
  ConfigurationError,
  KeyGenerationError,
  SerializationError,
  IntegrityError,
  EncryptionError,
  DecryptionError,
  BackendError,
  FactoryTimeoutError,
} from './errors';
export { TenantError } from './tenancy/tenant-option';

// Backends (the shared L2). RedisBackend loads ioredis on first construction only.
export type { BackendCallOptions, BackendEntry, BackendHealth, CacheBackend } from './backends/types';
export { MemoryBackend, type MemoryBackendOptions } from './backends/memory';
export { FileBackend } from './backends/file/backend';
export type { FileBackendOptions } from './backends/file/options';
export { RedisBackend } from './backends/redis/backend';
export type { RedisBackendOptions } from './backends/redis/options';
export { closeSharedBackends, setDefaultBackend } from './backends/resolve';

// Tenants, logging, and the values interop mode needs to match Python's types.
export { runWithTenant, currentTenant } from './tenancy/tenant-context';
export { setLogger, getLogger, setLogOptions, type Logger, type LogFields, type LogOptions } from './observability/logger';

// Observability: correlation ids in logs, Prometheus metrics, health, tracing channels.
export { runWithCorrelationId, currentCorrelationId } from './observability/correlation';
export { registerMetrics, type MetricsOptions, type CachekitMetrics } from './observability/metrics/register-metrics';
export { checkHealth } from './observability/health/health-check';
export { healthHandler, type HealthHandler } from './observability/health/health-handler';
export type { HealthCheckOptions, HealthComponent, HealthLevel, HealthReport, HealthStatus } from './observability/health/health-report';
export { TRACING_CHANNELS, type CallOutcome } from './observability/tracing-channels';
export { createArrowSerializer } from './codec/serializers/arrow-serializer';
export { float64, isoDateTime, uuid } from './msgpack/tagged-values';
