/**
 * A call whose arguments cannot form a cache key runs uncached: counted, and warned about once
 * per function. Shared by the `cache()` and `cache.local` wrappers.
 */
import type { StoredKeyFunction } from './ports';
import type { CacheStats } from './stats';

/** What the key function threw for a call's arguments. */
export class KeyFailure {
  constructor(readonly error: unknown) {}
}

/** The stored key of a call, or the KeyFailure that kept its arguments from forming one. */
export function storedKeyOrFailure(storedKey: StoredKeyFunction, args: readonly unknown[], thisArg: unknown): string | KeyFailure {
  try {
    return storedKey(args, thisArg);
  } catch (error) {
    return new KeyFailure(error);
  }
}

/** What the one warning of a function whose calls run uncached says. */
export const UNCACHED_CALL_MESSAGE = 'cachekit: arguments cannot form a cache key; calling the function uncached (logged once per function)';

/** Counts each key failure in `stats`; `warn` hears of the first one only. */
export function keyFailureCounter(stats: CacheStats, warn: (error: unknown) => void): (failure: KeyFailure) => void {
  let warned = false;
  return (failure) => {
    stats.counters.keyErrors++;
    if (warned) return;
    warned = true;
    warn(failure.error);
  };
}
