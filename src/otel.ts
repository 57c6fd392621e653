/**
 * `cachekit/otel`: the OpenTelemetry bridge. Needs the optional peer dependency
 * `@opentelemetry/api`; cachekit itself publishes on diagnostics_channel and depends on no
 * tracing API.
 *
 * ```ts
 * import { instrumentCachekit } from 'cachekit/otel';
 * instrumentCachekit(); // after the OpenTelemetry SDK is started
 * ```
 */
export { instrumentCachekit, type CachekitInstrumentationOptions } from './otel/instrument';
