/**
 * Wires one cached function together: options → keys → value pipeline → guarded backend →
 * engine. Everything that can be validated is validated here, when the wrapper is built.
 */
import { tenantScopedKey } from '../keys/tenant-scope';
import type { CacheOptions } from '../config/options';
import type { PresetName } from '../config/presets';
import { resolveOptions, type ResolvedConfig } from '../config/resolve-options';
import { ConfigurationError } from '../errors';
import type { LockOptions } from '../reliability/options';
import { resolveReliabilityOptions } from '../reliability/validate-options';
import { backendResolver } from './backend-for';
import { createCachedFunction, type AnyFunction, type CachedFunction } from './cached-function';
import { clearPrefixes, storedKeyFunction } from './function-keys';
import { createLocalFunction, type LocalCachedFunction } from './local-function';
import { createValuePipeline } from './value-pipeline';

/** The tenant of single-tenant caches, as the protocol's presets define it. */
const DEFAULT_TENANT = 'default';

/**
 * Merges the preset's reliability switches under the user's `reliability` option: a group the
 * preset turns off stays off unless the user configures it explicitly.
 */
function reliabilityFor(config: ResolvedConfig) {
  const preset = config.presetDefaults;
  const user = config.reliability === false ? false : (config.reliability as Record<string, unknown>);
  const options =
    user === false
      ? { circuitBreaker: false, timeouts: false, backpressure: false, lock: false }
      : {
          circuitBreaker: user.circuitBreaker ?? (preset.circuitBreaker ? {} : false),
          timeouts: user.timeouts ?? (preset.adaptiveTimeouts ? {} : false),
          backpressure: user.backpressure ?? (preset.backpressure ? {} : false),
          lock:
            user.lock === undefined
              ? { enabled: preset.distributedLock }
              : user.lock === false
                ? false
                : { enabled: true, ...(user.lock as Record<string, unknown>) },
          ...Object.fromEntries(Object.entries(user).filter(([k]) => !['circuitBreaker', 'timeouts', 'backpressure', 'lock'].includes(k))),
        };
  return resolveReliabilityOptions(options as Parameters<typeof resolveReliabilityOptions>[0], 'reliability');
}

function refuseUnavailable(config: ResolvedConfig): void {
  if (config.presetDefaults.encryptionRequired || (config.encryption !== undefined && config.encryption !== false)) {
    throw new ConfigurationError(
      'Encryption is not available in this build of cachekit, so cache.secure refuses to start rather than store plaintext. ' +
        'Fix: use cache.production until encryption is configured.',
    );
  }
  if (config.interop !== undefined) {
    throw new ConfigurationError('Interop mode is not available in this build of cachekit. Fix: remove the `interop` option.');
  }
}

/** Builds `cache(fn, options)` for a preset. */
export function assembleCachedFunction<F extends AnyFunction>(
  preset: PresetName,
  fn: F,
  options: CacheOptions<never[]> | undefined,
): CachedFunction<F> {
  const config = resolveOptions(preset, options, fn);
  refuseUnavailable(config);
  const pipeline = createValuePipeline({ serializer: config.serializer, integrity: config.integrity });
  const keyOptions = {
    keyPrefix: tenantScopedKey(DEFAULT_TENANT, ''),
    namespace: config.namespace,
    module: config.module,
    name: config.name,
    integrity: config.integrity,
    serializerCode: pipeline.serializerCode,
    keyFunction: config.keyFunction,
  };
  const reliability = reliabilityFor(config);
  const lock: Readonly<LockOptions> = reliability.lock;
  return createCachedFunction(fn, {
    config,
    tenant: DEFAULT_TENANT,
    storedKey: storedKeyFunction(keyOptions),
    clearPrefixes: clearPrefixes(keyOptions),
    pipeline,
    backend: backendResolver(config, reliability),
    lock,
  });
}

/** Builds `cache.local(fn, options)`. */
export function assembleLocalFunction<F extends AnyFunction>(fn: F, options: CacheOptions<never[]> | undefined): LocalCachedFunction<F> {
  const config = resolveOptions('local', options, fn);
  const storedKey = storedKeyFunction({
    keyPrefix: '',
    namespace: config.namespace,
    module: config.module,
    name: config.name,
    integrity: false,
    serializerCode: 'l',
    keyFunction: config.keyFunction,
  });
  return createLocalFunction(fn, config, storedKey);
}
