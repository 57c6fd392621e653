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

/**
 * Decodes `buf[start, end)` as UTF-8, or returns undefined when the bytes are not valid UTF-8:
 * a lenient decode would replace them with U+FFFD and hand back a different string. A leading
 * U+FEFF is kept (TextDecoder would strip it).
 */
export function utf8ReadStrict(buf: Buffer, start: number, end: number): string | undefined {
  const slice = buf.subarray(start, end);
  if (!isUtf8(slice)) return undefined;
  return hasFastPaths ? (buf as unknown as BufferFastPaths).utf8Slice(start, end) : slice.toString('utf8');
}

const wellFormed = (String.prototype as unknown as { isWellFormed: (this: string) => boolean }).isWellFormed;

/** True when `text` holds no lone surrogate, i.e. it has an exact UTF-8 form. */
export function isWellFormedString(text: string): boolean {
  return wellFormed.call(text);
}
