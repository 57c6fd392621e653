/**
 * Cache keys: arguments → canonical MessagePack → BLAKE2b-256, in the formats `cache()` stores
 * (`[ns:…:]func:{module}:{name}:args:…:{ic}{code}`, escaped), cachekit-py's auto mode
 * (`[ns:…:]func:{module}.{name}:args:…:{ic}{code}`) and interop (`{namespace}:{operation}:{hash}`).
 */
export { argsHash, cacheKey, keyAffixes, type CacheKeyInput, type KeyAffixes } from './cache-key';
export { functionKey, functionKeyPrefix, createFunctionKeyBuilder, type FunctionKeyInput, type FunctionKeyIdentity } from './function-key';
export { escapeKeySegment } from './key-segment';
export { createKeyBuilder, createCustomKeyBuilder, type KeyBuilder, type KeyBuilderOptions, type CustomKeyFunction } from './key-builder';
export { interopKey, interopArgsHash, interopCanonicalArgs, validateInteropSegment } from './interop-key';
export { tenantScopedKey, percentEncode } from './tenant-scope';
export { serializerCode, type SerializerIdentity } from './serializer-code';
export { functionPath, moduleNameFromFile, callerFile, MAX_FUNCTION_PATH_LENGTH } from './function-identity';
export { normalizeKey, MAX_KEY_LENGTH } from './key-text';
export { CanonicalArgsEncoder, MAX_KEY_DEPTH, type KeyProfile } from './canonical-args';
export { compareCodePoints } from '../msgpack/code-point-order';
