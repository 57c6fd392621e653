/**
 * String ↔ UTF-8 helpers for the MessagePack writer and reader. Node's Buffer has fast
 * `utf8Write`/`utf8Slice` methods that skip the argument parsing of `write`/`toString`; they
 * are not in @types/node, so they are reached through this one typed seam.
 */
import { isUtf8 } from 'node:buffer';

interface BufferFastPaths {
  utf8Write(text: string, offset: number, maxLength: number): number;
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

const hasFastPaths = typeof (Buffer.prototype as unknown as Partial<BufferFastPaths>).utf8Write === 'function';

/** Writes `text` as UTF-8 at `offset`; returns the bytes written. */
export const utf8Write: (buf: Buffer, text: string, offset: number, maxLength: number) => number = hasFastPaths
  ? (buf, text, offset, maxLength) => (buf as unknown as BufferFastPaths).utf8Write(text, offset, maxLength)
  : (buf, text, offset, maxLength) => buf.write(text, offset, maxLength, 'utf8');

/** `buf[start, end)` as a Latin-1 string: one character per byte, a cheap exact Map key for bytes. */
export const latin1Slice: (buf: Buffer, start: number, end: number) => string = hasFastPaths
  ? (buf, start, end) => (buf as unknown as BufferFastPaths).latin1Slice(start, end)
  : (buf, start, end) => buf.toString('latin1', start, end);

const REPLACEMENT_CHARACTER = '\uFFFD';

/**
 * Decodes `buf[start, end)` as UTF-8, or returns undefined when the bytes are not valid UTF-8:
 * a lenient decode would replace them with U+FFFD and hand back a different string. A leading
 * U+FEFF is kept (TextDecoder would strip it).
 *
 * Node's decoder replaces every ill-formed sequence with U+FFFD, so a decoded string without
 * one came from valid bytes; only a string that holds U+FFFD (rare, and found at once in a
 * Latin-1 string, which cannot hold it) needs the strict validator. That saves a view and a
 * second native pass: 50 instead of 95 ns for a 24-byte string, 66 instead of 129 for 264.
 */
export function utf8ReadStrict(buf: Buffer, start: number, end: number): string | undefined {
  const text = hasFastPaths ? (buf as unknown as BufferFastPaths).utf8Slice(start, end) : buf.toString('utf8', start, end);
  if (text.indexOf(REPLACEMENT_CHARACTER) === -1) return text;
  return isUtf8(buf.subarray(start, end)) ? text : undefined;
}

const wellFormed = (String.prototype as unknown as { isWellFormed: (this: string) => boolean }).isWellFormed;

/** True when `text` holds no lone surrogate, i.e. it has an exact UTF-8 form. */
export function isWellFormedString(text: string): boolean {
  return wellFormed.call(text);
}
