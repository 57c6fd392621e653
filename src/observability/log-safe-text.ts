/**
 * Text that did not come from this process — a format tag or a header field read from a stored
 * entry, the message of an error a deserializer raised on stored bytes — made safe for a log
 * line or an error message. Whoever can write to the backend controls that text, so it is cut
 * to a bound and every control, line-separator and bidirectional-override character (and any
 * lone surrogate) is escaped JSON-style: a planted entry can neither flood the log nor start a
 * forged line.
 */

/** Bound for one field read from stored data (a format tag fits easily). */
export const STORED_FIELD_MAX_CHARS = 64;
/** Bound for a whole error summary in a log record. */
export const LOG_SUMMARY_MAX_CHARS = 512;

const CONTROL = '\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
const LONE_SURROGATE = '[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
/** Unsafe anywhere in a log line. */
const UNSAFE_IN_LINE = new RegExp(`[${CONTROL}]|${LONE_SURROGATE}`, 'g');
/** Unsafe inside a quoted field: also the quote and the escape character. */
const UNSAFE_IN_FIELD = new RegExp(`[${CONTROL}"\\\\]|${LONE_SURROGATE}`, 'g');
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '"': '\\"', '\\': '\\\\' };

const escapeChar = (char: string): string => NAMED[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

function bounded(text: string, maxChars: number, unsafe: RegExp): string {
  unsafe.lastIndex = 0;
  if (text.length <= maxChars && !unsafe.test(text)) return text;
  let head = text.length > maxChars ? text.slice(0, maxChars) : text;
  // Never end on half a surrogate pair.
  if (head.length < text.length && /[\ud800-\udbff]$/.test(head)) head = head.slice(0, -1);
  const escaped = head.replace(unsafe, escapeChar);
  return head.length < text.length ? `${escaped}…(${text.length} chars)` : escaped;
}

/**
 * A field read from stored data, for use between quotes in a message: at most
 * `maxChars` characters (then `…(N chars)`), with quotes, backslashes and unsafe characters
 * escaped (`\n`, `\"`, `\u2028`, ...).
 */
export function storedField(text: string, maxChars = STORED_FIELD_MAX_CHARS): string {
  return bounded(text, maxChars, UNSAFE_IN_FIELD);
}

/** A message that may quote foreign text, as one bounded log line: unsafe characters escaped. */
export function logSafeLine(text: string, maxChars = LOG_SUMMARY_MAX_CHARS): string {
  return bounded(text, maxChars, UNSAFE_IN_LINE);
}
