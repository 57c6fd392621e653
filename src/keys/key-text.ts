/**
 * Key length and text rules.
 *
 * cachekit-py's auto-mode keys (`cacheKey`): space, CR and LF become `_`, and a key longer than
 * 250 characters becomes its first 50 characters + `:` + the first 32 hex digits of
 * BLAKE2b-256 of the whole key. "Characters" are code points, as Python's `len()` counts them.
 *
 * `cache()` keys escape their parts instead (key-segment.ts) and shorten with `#` in place of
 * that `:`. Escaping leaves no `#` in any part, so a shortened key has a form no short key can
 * take: a short key can never be written to look like a long key's shortened form.
 */
import { blake2b256Hex } from '../native';

/** Keys longer than this many code points are shortened. */
export const MAX_KEY_LENGTH = 250;
/** Code points of the original key kept in front of the hash when a key is shortened. */
export const SHORTENED_KEY_PREFIX_LENGTH = 50;

const UNSAFE_KEY_CHARACTERS = /[ \r\n]/g;

/** Replaces space, CR and LF with `_`. */
export function replaceUnsafeKeyCharacters(text: string): string {
  return text.replace(UNSAFE_KEY_CHARACTERS, '_');
}

/** Length in code points (a surrogate pair counts once). */
export function codePointLength(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}

/** Separates the kept head of a shortened `cache()` key from its hash; no escaped part contains it. */
export const SHORTENED_KEY_MARKER = '#';

/**
 * Applies the 250-character rule to a key whose unsafe characters are already replaced (or
 * escaped); `separator` goes between the kept head and the hash (`:` in cachekit-py's form).
 */
export function limitKeyLength(key: string, separator = ':'): string {
  // UTF-16 length is never below the code point count, so short keys skip the count.
  if (key.length <= MAX_KEY_LENGTH || codePointLength(key) <= MAX_KEY_LENGTH) return key;
  const head = Array.from(key).slice(0, SHORTENED_KEY_PREFIX_LENGTH).join('');
  return `${head}${separator}${blake2b256Hex(Buffer.from(key, 'utf8')).slice(0, 32)}`;
}

/** The 250-character rule for `cache()` keys: the hash follows `#`, which no escaped key holds. */
export function limitStoredKeyLength(key: string): string {
  return limitKeyLength(key, SHORTENED_KEY_MARKER);
}

/** Both steps: the final form of an assembled default-format key. */
export function normalizeKey(key: string): string {
  return limitKeyLength(replaceUnsafeKeyCharacters(key));
}
