/**
 * Per-tenant key scoping: stored keys become `t:{tenant}:{logical key}`, with the tenant
 * percent-encoded exactly as Python's `urllib.parse.quote(tenant, safe="")` does, so a tenant
 * id can never smuggle a `:` into the key structure.
 */
import { KeyGenerationError } from '../errors';
import { isWellFormedString } from '../msgpack/text';

/**
 * Percent-encodes every byte of the UTF-8 form except `A-Z a-z 0-9 _ . - ~` (Python's
 * `quote(s, safe="")`). `encodeURIComponent` also leaves `! ' ( ) *` raw; those are encoded here.
 */
export function percentEncode(text: string): string {
  if (!isWellFormedString(text)) {
    throw new KeyGenerationError('Cannot percent-encode a string with a lone surrogate (it has no UTF-8 form).', 'tenant', 'string');
  }
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The stored key of `logicalKey` for `tenant`: `t:{percent-encoded tenant}:{logicalKey}`. */
export function tenantScopedKey(tenant: string, logicalKey: string): string {
  if (typeof tenant !== 'string' || tenant === '') {
    throw new KeyGenerationError(`Tenant id must be a non-empty string, got ${JSON.stringify(tenant)}.`, 'tenant', typeof tenant);
  }
  return `t:${percentEncode(tenant)}:${logicalKey}`;
}
