/**
 * Wires one cached function together: options → tenant → keys → value pipeline (serializer,
 * envelope, encryption) → guarded backend → engine. Everything that can be validated is
 * validated here, when the wrapper is built.
 */
import { createTenantKeysEncryptor } from '../encryption/tenant-keys-encryptor';
import type { CacheOptions } from '../config/options';
import type { PresetName } from '../config/presets';
import { resolveOptions, type ResolvedConfig } from '../config/resolve-options';
import { createFramedEncryptor } from '../encryption/framed-encryptor';
import { resolveEncryption, type ResolvedEncryption } from '../encryption/encryption-options';
import { createKeyedAuthenticator } from '../encryption/keyed-integrity';
import { resolveKeyedIntegrity } from '../encryption/keyed-integrity-options';
import { ConfigurationError } from '../errors';
import { functionKeyPrefix } from '../keys/function-key';
import { interopKey, validateInteropSegment } from '../keys/interop-key';
import { tenantScopedKey } from '../keys/tenant-scope';
import type { LockOptions } from '../reliability/options';
import { resolveReliabilityOptions } from '../reliability/validate-options';
import { DEFAULT_TENANT, TenantError, resolveTenantOption, type TenantResolver } from '../tenancy/tenant-option';
import { backendResolver } from './backend-for';
import { createCachedFunction, type AnyFunction, type CachedFunction } from './cached-function';
import { clearPrefixes, memoizeSinglePrimitive, storedKeyFunction, type FunctionKeyOptions } from './function-keys';
import { claimIdentity, type CacheIdentity } from './identity-registry';
import { createLocalFunction, type LocalCachedFunction } from './local-function';
import type { EntryContext, StoredKeyFunction, ValuePipeline } from './ports';
import { createInteropPipeline, createValuePipeline } from './value-pipeline';
import { framedSerializerCode } from './entry-frame';
import { BoundedMemo } from '../collections/bounded-memo';

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

/** Stored keys are `t:{percent-encoded tenant}:{logical}`; the encoding leaves no `:` in the tenant. */
function scopedContext(key: string): EntryContext {
  const end = key.indexOf(':', 2);
  const tenant = key.slice(2, end);
  // Percent-encoding only appears in tenants with reserved characters; most have none.
  return { tenant: tenant.includes('%') ? decodeURIComponent(tenant) : tenant, key: key.slice(end + 1) };
}

/** Most tenants whose key prefix is kept ready; beyond it prefixes are rebuilt (cheaply). */
const TENANT_PREFIX_CACHE = 10_000;

/** Stored-key function of a default-mode cache for its tenant mode. */
function scopedKeys(tenancy: TenantResolver, keyOptions: Omit<FunctionKeyOptions, 'keyPrefix'>) {
  if (tenancy.kind === 'fixed') {
    const keyPrefix = tenantScopedKey(tenancy.tenant, '');
    const options = { ...keyOptions, keyPrefix };
    const prefixes = clearPrefixes(options);
    const fixed = tenancy.tenant;
    return { storedKey: storedKeyFunction(options), clearPrefixes: () => prefixes, tagTenant: (tenant: string | undefined) => tenant ?? fixed };
  }
  const logical = storedKeyFunction({ ...keyOptions, keyPrefix: '' });
  const prefixes = new BoundedMemo<string, string>(TENANT_PREFIX_CACHE);
  const prefixOf = (tenant: string): string => {
    let prefix = prefixes.get(tenant);
    if (prefix === undefined) {
      prefix = prefixes.remember(tenant, tenantScopedKey(tenant, ''));
    }
    return prefix;
  };
  const storedKey: StoredKeyFunction = (args, thisArg) => prefixOf(tenancy.tenantOf(args, thisArg)) + logical(args, thisArg);
  return {
    storedKey,
    clearPrefixes: (tenant: string | undefined) => {
      if (tenant === undefined) {
        throw new TenantError('cacheClear() of a multi-tenant cache clears one tenant: pass { tenant } or call it inside runWithTenant().');
      }
      return clearPrefixes({ ...keyOptions, keyPrefix: prefixOf(tenant) });
    },
    tagTenant: (tenant: string | undefined) => {
      if (tenant === undefined) {
        throw new TenantError('invalidateTags() of a multi-tenant cache invalidates one tenant\'s tags: pass { tenant } or call it inside runWithTenant().');
      }
      return tenant;
    },
  };
}

/** The interop/v1 parts: bare `{namespace}:{operation}:{hash}` keys, plain MessagePack values. */
function interopParts(config: ResolvedConfig, encryption: ResolvedEncryption | undefined) {
  const operation = config.interop as string;
  if (config.namespace === undefined) {
    throw new ConfigurationError("Interop mode needs a namespace: keys are {namespace}:{operation}:{hash}. Fix: pass `namespace: 'users'`.");
  }
  validateInteropSegment('namespace', config.namespace);
  validateInteropSegment('operation', operation);
  if (config.keyFunction !== undefined) {
    throw new ConfigurationError('Option `key` cannot be combined with `interop`: interop keys are defined by the protocol. Fix: remove `key`.');
  }
  if (config.serializer !== 'standard') {
    throw new ConfigurationError('Option `serializer` cannot be combined with `interop`: interop values are plain MessagePack. Fix: remove `serializer`.');
  }
  if (encryption?.algorithm === 'chacha20-poly1305') {
    throw new ConfigurationError("Interop mode is AES-256-GCM only (every SDK reads it). Fix: remove `encryption.algorithm: 'chacha20-poly1305'`.");
  }
  let tenant = DEFAULT_TENANT;
  if (encryption !== undefined && config.tenant !== undefined) {
    const id = (config.tenant as { id?: unknown }).id;
    // Every SDK must derive the same key, so the tenant is one fixed id (cachekit-py requires
    // a canonical lowercase UUID; the protocol's default is "default"), never per call.
    if (typeof id !== 'string' || id === '') {
      throw new ConfigurationError(
        'Encrypted interop mode takes the tenant every SDK shares as `{ id }` (cachekit-py needs a canonical lowercase UUID), ' +
          "or no `tenant` for the protocol's \"default\". Fix: pass `tenant: { id: '123e4567-e89b-42d3-a456-426614174000' }`.",
      );
    }
    tenant = id;
  } else if (encryption === undefined && config.tenant !== undefined) {
    throw new ConfigurationError('Option `tenant` has no effect on unencrypted interop entries, which live under the bare protocol key. Fix: remove `tenant`.');
  }
  const namespace = config.namespace;
  const storedKey = memoizeSinglePrimitive((args) => interopKey(namespace, operation, args));
  const prefixes = [`${namespace}:${operation}:`];
  const pipeline = createInteropPipeline(
    encryption === undefined
      ? undefined
      : createTenantKeysEncryptor({ keyring: encryption.keyring, algorithm: 'aes-256-gcm' }),
    config.maxValueBytes,
  );
  return {
    pipeline,
    storedKey: (args: readonly unknown[]) => storedKey(args),
    clearPrefixes: () => prefixes,
    tagTenant: (explicit: string | undefined) => explicit ?? tenant,
    contextOf: (key: string): EntryContext => ({ key, tenant }),
  };
}

/** The identity a default-mode cache claims: its key prefix, which every one of its keys starts with. */
function functionIdentity(config: ResolvedConfig): CacheIdentity {
  const namespace = config.namespace === undefined ? '' : ` in namespace ${JSON.stringify(config.namespace)}`;
  return { key: functionKeyPrefix(config), label: `\`${config.module}:${config.name}\`${namespace}` };
}

/** Builds `cache(fn, options)` for a preset. */
export function assembleCachedFunction<F extends AnyFunction>(
  preset: PresetName,
  fn: F,
  options: CacheOptions<never[]> | undefined,
): CachedFunction<F> {
  const resolved = resolveOptions(preset, options, fn);
  const keyed = resolveKeyedIntegrity(resolved.keyedIntegrity);
  // Asking for keyed integrity says the cache stores plaintext on purpose, so a configured
  // CACHEKIT_MASTER_KEY serves the MAC rather than demanding a choice about encryption.
  const encryptionOption = keyed !== undefined && resolved.encryption === undefined ? false : resolved.encryption;
  const encryption = resolveEncryption(encryptionOption, resolved.presetDefaults.encryptionRequired);
  if (keyed !== undefined && encryption !== undefined) {
    throw new ConfigurationError(
      "Options `integrity: 'keyed'` and `encryption` cannot be combined: encryption already authenticates every entry (its tag is bound to tenant and key). " +
        'Fix: remove the keyed `integrity`, or pass `encryption: false` to store authenticated plaintext.',
    );
  }
  // The raw options may hold master keys (hex strings, Buffers): the cache keeps the native
  // keyrings only, so nothing it retains holds a key.
  const config: ResolvedConfig = { ...resolved, encryption: undefined, keyedIntegrity: undefined };
  const reliability = reliabilityFor(config);
  const lock: Readonly<LockOptions> = reliability.lock;
  const backend = backendResolver(config, reliability);
  const failClosed = encryption?.failClosed ?? false;

  if (config.interop !== undefined) {
    if (keyed !== undefined) {
      throw new ConfigurationError(
        "Keyed integrity cannot be combined with `interop`: interop values are the protocol's plain MessagePack, which other SDKs read without a MAC frame. " +
          'Fix: remove the keyed `integrity`, or use `encryption` to protect shared entries.',
      );
    }
    // Not claimed: naming an interop operation declares that every function under it, in any
    // language, computes the same thing; sharing its entries is the point.
    const parts = interopParts(config, encryption);
    return createCachedFunction(fn, { config, backend, lock, failClosed, ...parts });
  }

  // Every encrypted cache names its tenant mode, so entries can never cross tenants by accident.
  const tenancy = resolveTenantOption(config.tenant, encryption !== undefined);
  const pipeline: ValuePipeline = createValuePipeline({
    serializer: config.serializer,
    integrity: config.integrity,
    encryption: encryption === undefined ? undefined : createFramedEncryptor(encryption),
    maxValueBytes: config.maxValueBytes,
    authenticator: keyed === undefined ? undefined : createKeyedAuthenticator(keyed.keyring),
  });
  const keys = scopedKeys(tenancy, {
    namespace: config.namespace,
    module: config.module,
    name: config.name,
    integrity: config.integrity,
    // Framed entries (tags, fail-safe) live under keys of their own: no cache ever reads the other kind.
    serializerCode: isFramed(config) ? framedSerializerCode(pipeline.serializerCode) : pipeline.serializerCode,
    keyFunction: config.keyFunction,
  });
  claimIdentity(functionIdentity(config), fn);
  return createCachedFunction(fn, {
    config,
    pipeline,
    backend,
    lock,
    failClosed,
    contextOf: scopedContext,
    storedKey: keys.storedKey,
    clearPrefixes: keys.clearPrefixes,
    tagTenant: keys.tagTenant,
  });
}

/** Whether a cache's entries carry a frame (see `entry-frame.ts`). */
export function isFramed(config: ResolvedConfig): boolean {
  return config.tags !== undefined || config.failSafe !== undefined;
}

/** Builds `cache.local(fn, options)`. */
export function assembleLocalFunction<F extends AnyFunction>(fn: F, options: CacheOptions<never[]> | undefined): LocalCachedFunction<F> {
  const config = resolveOptions('local', options, fn);
  for (const option of ['tags', 'failSafe', 'factoryTimeout', 'loadMany'] as const) {
    if (options?.[option] !== undefined) {
      throw new ConfigurationError(`Option \`${option}\` is not available in cache.local, which keeps live values in this process only. Fix: use cache() with \`backend: null\`.`);
    }
  }
  const storedKey = storedKeyFunction({
    keyPrefix: '',
    namespace: config.namespace,
    module: config.module,
    name: config.name,
    integrity: false,
    serializerCode: 'l',
    keyFunction: config.keyFunction,
  });
  claimIdentity(functionIdentity(config), fn);
  return createLocalFunction(fn, config, storedKey);
}
