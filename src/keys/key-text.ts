/**
 * Post-processing every default-format key goes through, as cachekit-py applies it: space, CR
 * and LF become `_` (Redis protocol and log safety), and a key longer than 250 characters
 * becomes its first 50 characters + `:` + the first 32 hex digits of BLAKE2b-256 of the whole
 * key. "Characters" are code points, as Python's `len()` counts them.
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

/** Applies the 250-character rule to a key whose unsafe characters are already replaced. */
export function limitKeyLength(key: string): string {
  // UTF-16 length is never below the code point count, so short keys skip the count.
  if (key.length <= MAX_KEY_LENGTH || codePointLength(key) <= MAX_KEY_LENGTH) return key;
  const head = Array.from(key).slice(0, SHORTENED_KEY_PREFIX_LENGTH).join('');
  return `${head}:${blake2b256Hex(Buffer.from(key, 'utf8')).slice(0, 32)}`;
}

/** Both steps: the final form of an assembled default-format key. */
export function normalizeKey(key: string): string {
  return limitKeyLength(replaceUnsafeKeyCharacters(key));
}
