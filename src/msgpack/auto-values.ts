/**
 * The leaves only the `auto` profile writes, as the extensions of `auto-tags.ts`: `undefined`
 * and the container tags, BigInts as decimal text, Dates as their time value, typed arrays,
 * DataViews and ArrayBuffers as their bytes (little-endian elements on every host).
 */
import { describeType } from '../describe-value';
import { AUTO_EXT, BIG_ENDIAN_HOST, VIEW_KINDS, swapElementBytes } from './auto-tags';
import { MAX_BIGINT_DIGITS } from './decode-cost';
import { UnencodableValue } from './unencodable';
import type { MsgpackWriter } from './writer';

/** A fixext-1 with no payload of interest: `undefined`, or the tag in front of a Set or Map. */
export function writeAutoTag(w: MsgpackWriter, type: number): void {
  w.fixedCostItems++;
  w.ensure(3);
  const buf = w.buf;
  buf[w.pos++] = 0xd4;
  buf[w.pos++] = type;
  buf[w.pos++] = 0;
}

/** A BigInt as decimal text; readers refuse longer ones (parsing decimal text is superlinear). */
export function writeAutoBigInt(w: MsgpackWriter, value: bigint): void {
  // Hex digits never outnumber decimal ones, so the cheap hex length refuses huge values before toString().
  const hexDigits = (value < 0n ? -value : value).toString(16).length;
  if (hexDigits > MAX_BIGINT_DIGITS) throw tooManyDigits(`about ${Math.round(hexDigits * Math.log10(16))}`);
  const digits = value.toString();
  const digitCount = digits.length - (value < 0n ? 1 : 0);
  if (digitCount > MAX_BIGINT_DIGITS) throw tooManyDigits(String(digitCount));
  w.extHeader(AUTO_EXT.BIGINT, digits.length);
  w.ensure(digits.length);
  w.pos += w.buf.write(digits, w.pos, 'latin1');
}

/** A Date (even an invalid one) as its time value. */
export function writeAutoDate(w: MsgpackWriter, date: Date): void {
  w.extHeader(AUTO_EXT.DATE, 8);
  w.ensure(8);
  w.buf.writeDoubleBE(date.getTime(), w.pos);
  w.pos += 8;
}

/** A typed array, DataView or ArrayBuffer; anything else is refused (class instances have no auto form). */
export function writeAutoBinary(w: MsgpackWriter, value: object): void {
  if (ArrayBuffer.isView(value)) {
    const kind = VIEW_KINDS.findIndex((constructor) => value.constructor === constructor);
    if (kind < 0) throw new UnencodableValue('a typed array of a subclass auto cannot rebuild', describeType(value));
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    w.extHeader(AUTO_EXT.VIEW_BASE + kind, bytes.length);
    const at = w.pos;
    w.raw(bytes);
    if (BIG_ENDIAN_HOST && !(value instanceof DataView)) {
      swapElementBytes(w.buf.subarray(at, w.pos), (value as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1);
    }
  } else if (value instanceof ArrayBuffer) {
    w.extHeader(AUTO_EXT.ARRAY_BUFFER, value.byteLength);
    w.raw(new Uint8Array(value));
  } else {
    throw new UnencodableValue(
      'an instance of a class, which auto cannot rebuild with its prototype; store plain data or use a custom serializer',
      describeType(value),
    );
  }
}

function tooManyDigits(digits: string): UnencodableValue {
  return new UnencodableValue(`a BigInt of ${digits} digits; auto stores at most ${MAX_BIGINT_DIGITS} (readers refuse longer ones)`, 'bigint');
}
