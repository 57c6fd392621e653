/**
 * The current tenant, carried on AsyncLocalStorage so it follows a request through every
 * await. Caches configured with `tenant: 'context'` read it on each call.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ConfigurationError } from '../errors';

const storage = new AsyncLocalStorage<string>();

/** Runs `fn` with `tenantId` as the current tenant (nested calls see the innermost tenant). */
export function runWithTenant<T>(tenantId: string, fn: () => T): T {
  if (typeof tenantId !== 'string' || tenantId === '') {
    throw new ConfigurationError(`runWithTenant() needs a non-empty tenant id; got ${JSON.stringify(tenantId)}.`);
  }
  return storage.run(tenantId, fn);
}

/** The tenant set by the innermost `runWithTenant()`, or undefined outside one. */
export function currentTenant(): string | undefined {
  return storage.getStore();
}
