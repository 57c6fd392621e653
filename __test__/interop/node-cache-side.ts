/**
 * Node's side of the live interop suite through the public API: one
 * `cache(fn, { interop, namespace, backend, ... })` per case, exactly as an application would
 * share entries with a Python service.
 */
import { cache } from '../../src/cache';
import type { CacheBackend } from '../../src/backends/types';
import type { InteropCall, InteropCase } from './cases';
import type { SharedEncryption } from './node-interop-store';
import { toNodeInput } from './tagged';

/** What a read through `cache()` gave: the value, and whether the function had to run. */
export interface NodeCacheRead {
  readonly value: unknown;
  readonly functionRan: boolean;
}

/** Thrown by a reader's body, so a miss stores nothing over the entry under test. */
class FunctionRan extends Error {
  constructor(id: string) {
    super(`case ${id}: the cached function ran, so no readable entry was found`);
  }
}

/** Writes and reads interop entries of one namespace through `cache()`. */
export interface NodeCacheSide {
  /** Calls a cached function returning the case's value (a miss), and waits for the L2 write. */
  write(c: InteropCase): Promise<void>;
  /**
   * Calls a cached function for the call. Its body records that it ran and returns `fallback`,
   * or, without one, throws (so nothing is written back).
   */
  read(c: InteropCall, fallback?: unknown): Promise<NodeCacheRead>;
}

/**
 * The interop options of one case. The L1 is off so every read goes to Redis. A shared tenant
 * of `"default"` is expressed by configuring none: the protocol's default.
 */
function optionsOf(c: InteropCall, namespace: string, backend: CacheBackend, encryption: SharedEncryption | undefined) {
  return {
    interop: c.operation,
    namespace,
    backend,
    l1: false,
    ...(encryption && { encryption: { masterKey: encryption.masterKeyHex } }),
    ...(encryption && encryption.tenant !== 'default' && { tenant: { id: encryption.tenant } }),
  };
}

/** `cache()`-based access to `namespace` on `backend`, plain or encrypted. */
export function createNodeCacheSide(backend: CacheBackend, namespace: string, encryption?: SharedEncryption): NodeCacheSide {
  return {
    async write(c) {
      const value = toNodeInput(c.value);
      let runs = 0;
      const cached = cache(async (..._args: unknown[]) => {
        runs++;
        return value;
      }, optionsOf(c, namespace, backend, encryption));
      const returned = await cached(...c.args.map(toNodeInput));
      await cached.flush();
      if (runs !== 1) throw new Error(`case ${c.id}: the function ran ${runs} times on a fresh key; expected one miss`);
      if (returned !== value) throw new Error(`case ${c.id}: a miss must return the function's own result`);
    },
    async read(c, fallback) {
      let functionRan = false;
      const cached = cache(async (..._args: unknown[]) => {
        functionRan = true;
        if (fallback === undefined) throw new FunctionRan(c.id);
        return fallback;
      }, optionsOf(c, namespace, backend, encryption));
      try {
        const value = await cached(...c.args.map(toNodeInput));
        await cached.flush();
        return { value, functionRan };
      } catch (error) {
        if (error instanceof FunctionRan) return { value: undefined, functionRan };
        throw error;
      }
    },
  };
}
