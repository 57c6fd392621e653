/**
 * Derived keys per tenant, derived once and kept (least recently used tenants are dropped
 * beyond a bound). The master keys stay in this closure; derived keys live in Rust.
 */
import { EncryptionError } from '../errors';
import { deriveTenantKeys, isNativeError, type TenantKeys } from '../native';
import type { ResolvedEncryption } from './encryption-options';

/** Returns the keys of a tenant. */
export type TenantKeyring = (tenant: string) => TenantKeys;

/** Default number of tenants whose derived keys are kept. */
export const DEFAULT_MAX_TENANT_KEYS = 1024;

/** Creates the keyring of one encrypted cache. Derives the `default` tenant now, so a bad key fails at wrap time. */
export function createTenantKeyring(settings: ResolvedEncryption, maxTenants = DEFAULT_MAX_TENANT_KEYS): TenantKeyring {
  const byTenant = new Map<string, TenantKeys>();
  const previousMasterKeys = settings.previousMasterKeys.length > 0 ? [...settings.previousMasterKeys] : undefined;
  const derive = (tenant: string): TenantKeys => {
    try {
      return deriveTenantKeys(settings.masterKey, tenant, previousMasterKeys ? { previousMasterKeys } : undefined);
    } catch (error) {
      if (isNativeError(error)) throw new EncryptionError(`Cannot derive keys for a tenant: ${error.message}`, { code: error.code, cause: error });
      throw error;
    }
  };
  byTenant.set('default', derive('default'));
  return (tenant) => {
    let keys = byTenant.get(tenant);
    if (keys !== undefined) return keys;
    keys = derive(tenant);
    if (byTenant.size >= maxTenants) byTenant.delete(byTenant.keys().next().value as string);
    byTenant.set(tenant, keys);
    return keys;
  };
}
