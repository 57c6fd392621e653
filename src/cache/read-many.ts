/**
 * Reads several keys through the guarded backend at once: one `getMany` (an `MGET` on Redis;
 * per-slot reads pipelined per node on a Cluster) where the backend has it, else one `get` per
 * key, sent together. Each key gets its own answer, as a single `get` would.
 */
import type { OperationResult } from '../reliability/operation-result';
import type { ResilientBackend } from '../reliability/resilient-backend';

/** The answers for `keys`, in order. */
export async function readMany(via: ResilientBackend, keys: readonly string[], signal?: AbortSignal): Promise<Array<OperationResult<Buffer | null>>> {
  if (keys.length === 0) return [];
  if (typeof via.backend.getMany !== 'function' || keys.length === 1) return Promise.all(keys.map((key) => via.get(key, signal)));
  const batch = await via.getMany(keys, signal);
  if (!batch.ok) return keys.map(() => batch);
  // A backend answering with another number of values broke its contract: nothing it said is trusted.
  if (batch.value.length !== keys.length) return keys.map(() => ({ ok: false, reason: 'error' }));
  return batch.value.map((value) => ({ ok: true, value, latencyMs: batch.latencyMs }));
}
