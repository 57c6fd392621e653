/**
 * Escaping of the parts of a `cache()` key that come from the user (namespace, module, name,
 * the string a `key` function returns). Escaping, not replacing, keeps distinct inputs distinct:
 * `drop table` and `drop_table` stay two keys.
 *
 * A character is percent-encoded (its UTF-8 bytes as `%XX`, uppercase hex) when it is
 * - `%` (the escape character itself, so every escaped text decodes to exactly one input),
 * - `:` (separates the key's parts) or `#` (marks a shortened key, see key-text.ts),
 * - a control character, a space or another blank, or an invisible formatting character
 *   (zero-width, bidi controls, line and paragraph separators), which would hide or forge
 *   structure in logs and `redis-cli` output.
 * Everything else stays as typed, so keys stay readable. The set is a fixed list rather than a
 * Unicode property class, so keys never change with the Unicode version of the runtime.
 */
import { isWellFormedString } from '../msgpack/text';

// eslint-disable-next-line no-control-regex
const ESCAPED = /[%:#\u0000-\u0020\u007f-\u00a0\u00ad\u061c\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]/gu;
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPING = /[%:#\u0000-\u0020\u007f-\u00a0\u00ad\u061c\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]/u;

/**
 * The escaped form of one key part. The text must be well-formed Unicode (a lone surrogate has
 * no UTF-8 form, so two different ones would reach Redis as the same U+FFFD): check it with
 * `isEscapableKeySegment` first.
 */
export function escapeKeySegment(text: string): string {
  return NEEDS_ESCAPING.test(text) ? text.replace(ESCAPED, encodeURIComponent) : text;
}

/** Whether `text` can be escaped: a string with no lone surrogate. */
export function isEscapableKeySegment(text: unknown): text is string {
  return typeof text === 'string' && isWellFormedString(text);
}
