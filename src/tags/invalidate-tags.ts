/**
 * `invalidateTags(backend, tags)`: invalidates tags for every cache on `backend`, in every
 * process, without a cached function at hand (a job, an admin endpoint, a webhook handler).
 */
import type { CacheBackend } from '../backends/types';
import { guardedBackend } from '../cache/backend-for';
import { describeValue } from '../describe-value';
import { ConfigurationError } from '../errors';
import { busOf } from '../invalidation/registry';
import { INVALIDATION_DEFAULTS } from '../invalidation/options';
import { redisBackendOf } from '../invalidation/redis-backend-of';
import { getLogger } from '../observability/logger';
import { resolveReliabilityOptions } from '../reliability/validate-options';
import { currentTenant } from '../tenancy/tenant-context';
import { DEFAULT_TENANT } from '../tenancy/tenant-option';
import { checkTags, stampKey, stampPrefixOfTenant } from './tag-names';
import { stampsOf } from './stamps-registry';

/** Options of `invalidateTags`. */
export interface InvalidateTagsOptions {
  /** The tenant whose entries are invalidated. Default: the `runWithTenant()` tenant, else `default` (single-tenant caches). */
  tenant?: string;
}

/**
 * Invalidates `tags` for the caches on `backend` (null: the caches without an L2): every entry
 * created before now that carries one of them is a miss from now on, in this process at once,
 * in L2 (the stamp is stored there) and in other processes as soon as the invalidation bus
 * delivers it (at most one second later without a bus). Resolves to whether L2 took the stamps
 * (false: logged by the backend's guard; this process and the bus still honour them).
 */
export async function invalidateTags(backend: CacheBackend | null, tags: readonly string[], options: InvalidateTagsOptions = {}): Promise<boolean> {
  if (backend !== null && (typeof backend !== 'object' || typeof (backend as Partial<CacheBackend>).get !== 'function')) {
    throw new ConfigurationError(`invalidateTags(backend, tags): \`backend\` must be a cache backend or null; got ${describeValue(backend)}.`);
  }
  const checked = checkTags(tags, 'invalidateTags(backend, tags): `tags`');
  const tenant = options.tenant ?? currentTenant() ?? DEFAULT_TENANT;
  const prefix = stampPrefixOfTenant(tenant);
  const table = stampsOf(backend);
  const via = backend === null ? null : guardedBackend(backend, 'default', resolveReliabilityOptions({}, 'reliability'));
  const redis = backend === null ? undefined : redisBackendOf(backend);
  // No cache of this process joined a bus on this backend yet: the default channel carries it.
  if (redis !== undefined && !table.watched) {
    table.watch(busOf(redis, INVALIDATION_DEFAULTS.channel, INVALIDATION_DEFAULTS.degradedTtlSeconds * 1000, getLogger));
  }
  return table.stamp(checked.map((tag) => stampKey(prefix, tag)), via);
}
