/**
 * `cachekit/keys`: the keys cachekit stores entries under, computed outside a cached function:
 * for tools that inspect or invalidate a shared store, or a service that reads another's
 * entries. `cache()` needs none of this; it builds its keys itself.
 */
export { functionKey, type FunctionKeyInput } from './keys/function-key';
export { tenantScopedKey } from './keys/tenant-scope';
export { argsHash, cacheKey, type CacheKeyInput } from './keys/cache-key';
export { interopKey } from './keys/interop-key';
export { serializerCode, type SerializerIdentity } from './keys/serializer-code';
