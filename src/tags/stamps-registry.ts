/**
 * One tag stamp table per L2 backend object in the process (every cache on that backend, and
 * the exported `invalidateTags(backend, …)`, share it), plus one for the caches without an L2.
 */
import type { CacheBackend } from '../backends/types';
import { TagStamps } from './tag-stamps';

const tables = new WeakMap<CacheBackend, TagStamps>();
let withoutL2: TagStamps | undefined;

/** The stamp table of `backend` (null: of the caches without an L2). */
export function stampsOf(backend: CacheBackend | null): TagStamps {
  if (backend === null) return (withoutL2 ??= new TagStamps(true));
  let table = tables.get(backend);
  if (table === undefined) {
    table = new TagStamps(false);
    tables.set(backend, table);
  }
  return table;
}
