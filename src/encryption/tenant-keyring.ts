/**
 * Key handles per tenant, derived once from the master keyring (inside Rust) and kept; beyond
 * a bound the longest-kept tenants are dropped. No key bytes pass through here: the master
 * keys stay behind the keyring and the derived keys behind each handle.
 */
import { EncryptionError } from '../errors';
import { isNativeError } from '../native';

/** Returns the key handle of a tenant. */
export type TenantKeyring<K> = (tenant: string) => K;

/** Default number of tenants whose derived keys are kept. */
export const DEFAULT_MAX_TENANT_KEYS = 1024;

/** Creates the per-tenant keys of one cache; `derive` asks the master keyring for a tenant's handle. */
export function createTenantKeyring<K>(derive: (tenant: string) => K, maxTenants = DEFAULT_MAX_TENANT_KEYS): TenantKeyring<K> {
  const byTenant = new Map<string, K>();
  const deriveOrExplain = (tenant: string): K => {
    try {
      return derive(tenant);
    } catch (error) {
      if (isNativeError(error)) throw new EncryptionError(`Cannot derive keys for a tenant: ${error.message}`, { code: error.code, cause: error });
      throw error;
    }
  };
  return (tenant) => {
    let keys = byTenant.get(tenant);
    if (keys !== undefined) return keys;
    keys = deriveOrExplain(tenant);
    if (byTenant.size >= maxTenants) byTenant.delete(byTenant.keys().next().value as string);
    byTenant.set(tenant, keys);
    return keys;
  };
}
