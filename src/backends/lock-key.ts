/**
 * Where a key's distributed lock lives: `<key>:lock`, the name cachekit-py uses, so Node and
 * Python processes sharing one store exclude each other. Every backend names its locks here.
 */

/** Suffix of a lock's key beside the entry it guards. */
export const LOCK_KEY_SUFFIX = ':lock';

/** The lock key of the entry at `key`. */
export function lockKeyOf(key: string): string {
  return `${key}${LOCK_KEY_SUFFIX}`;
}
