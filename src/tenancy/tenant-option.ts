/**
 * The `tenant` option: which tenant a call belongs to. Keys are stored under
 * `t:{percent-encoded tenant}:`, and encrypted entries are sealed with the tenant's own derived
 * key and bound to the tenant in the AAD, so tenants never see each other's entries.
 *
 * - `'single'` (default for plain caches): every call belongs to the tenant `default`.
 * - `'context'`: the tenant set by `runWithTenant()` around the call.
 * - a function `(...args) => string`: extracts the tenant from the call's arguments.
 * - `{ id }`: a fixed tenant id (encrypted interop mode needs the shared tenant this way).
 *
 * The tenant that reads an entry is always the tenant of the current call — never one taken
 * from the stored entry — and a call with no tenant in a multi-tenant cache is an error, never
 * a fallback to another tenant.
 */
import { CachekitError, ConfigurationError } from '../errors';
import { describeValue } from '../describe-value';
import { currentTenant } from './tenant-context';

/** Values the `tenant` option accepts. */
export type TenantOption = 'single' | 'context' | ((...args: never[]) => string) | { id: string };

/** The tenant of single-tenant caches, as the protocol's presets define it. */
export const DEFAULT_TENANT = 'default';

/** A call in a multi-tenant cache that has no valid tenant. */
export class TenantError extends CachekitError {
  constructor(message: string) {
    super(message, 'ERR_TENANT');
  }
}

/** How a cache finds the tenant of each call. */
export type TenantResolver =
  | { kind: 'fixed'; tenant: string }
  | { kind: 'per-call'; tenantOf: (args: readonly unknown[], thisArg: unknown) => string };

function checkTenant(tenant: unknown, source: string): string {
  if (typeof tenant !== 'string' || tenant === '' || tenant.length > 256) {
    throw new TenantError(
      `${source} gave no usable tenant (${describeValue(tenant)}); a multi-tenant cache never falls back to another tenant. ` +
        'Fix: make sure every call has a tenant (a non-empty string of at most 256 characters).',
    );
  }
  return tenant;
}

/** Validates the option when the wrapper is built. `required` is set for encrypted caches. */
export function resolveTenantOption(option: unknown, required: boolean): TenantResolver {
  if (option === undefined) {
    if (required) {
      throw new ConfigurationError(
        "An encrypted cache needs an explicit tenant mode, so entries can never be read across tenants by accident. Fix: pass `tenant: 'single'` " +
          "(one tenant, 'default'), `tenant: 'context'` (use runWithTenant()), or `tenant: (...args) => tenantId`.",
      );
    }
    return { kind: 'fixed', tenant: DEFAULT_TENANT };
  }
  if (option === 'single') return { kind: 'fixed', tenant: DEFAULT_TENANT };
  if (option === 'context') {
    return { kind: 'per-call', tenantOf: () => checkTenant(currentTenant(), 'runWithTenant()') };
  }
  if (typeof option === 'function') {
    const extractor = option as (this: unknown, ...args: unknown[]) => unknown;
    return { kind: 'per-call', tenantOf: (args, thisArg) => checkTenant(extractor.apply(thisArg, args as unknown[]), 'The `tenant` extractor') };
  }
  if (typeof option === 'object' && option !== null && Object.keys(option).length === 1 && typeof (option as { id?: unknown }).id === 'string') {
    const id = (option as { id: string }).id;
    if (id === '' || id.length > 256) throw new ConfigurationError(`Option \`tenant.id\` must be a non-empty string of at most 256 characters; got ${describeValue(id)}.`);
    return { kind: 'fixed', tenant: id };
  }
  throw new ConfigurationError(
    `Option \`tenant\` got ${describeValue(option)}. Fix: use 'single', 'context', a function (...args) => tenantId, or { id: 'tenant-id' }.`,
  );
}
