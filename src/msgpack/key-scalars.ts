/**
 * The scalars whose canonical form differs in keys: numbers, `float64()`, Dates and
 * `IsoDateTime`. The `key` profile mirrors cachekit-py's auto-mode key (`msgpack.packb`, strict
 * types: integral numbers are ints, others float64, date-times Python `isoformat()` text); the
 * `interop-key` profile is the interop/v1 key (integral floats collapse to ints, NaN and
 * ±Infinity refused, date-times epoch seconds).
 */
import { pythonIsoformatOfDate } from './iso-datetime';
import type { IsoDateTime } from './tagged-values';
import { UnencodableValue } from './unencodable';
import type { MsgpackWriter } from './writer';

const TWO_POW_63 = 2 ** 63;
const TWO_POW_64 = 2 ** 64;
const MAX_EXACT_MICROS = BigInt(Number.MAX_SAFE_INTEGER);

/** A plain number in a key: integers must be exact, floats finite in interop keys. */
export function writeKeyNumber(w: MsgpackWriter, value: number, interop: boolean): void {
  if (Number.isInteger(value)) {
    if (Number.isSafeInteger(value)) {
      w.int(value); // -0 is written as 0
      return;
    }
    throw new UnencodableValue(
      `the number ${value}, an integer beyond 2^53 that a double cannot hold exactly; pass a BigInt for an integer or float64(x) for a float`,
      'number',
    );
  }
  if (interop && !Number.isFinite(value)) {
    throw new UnencodableValue(`${value}, which interop keys do not allow`, 'number');
  }
  w.float64(value);
}

/** A `float64()` in a key. */
export function writeKeyFloat(w: MsgpackWriter, value: number, interop: boolean): void {
  if (!interop) {
    w.float64(value === 0 ? 0 : value); // Python normalises -0.0 to 0.0
    return;
  }
  if (!Number.isFinite(value)) {
    throw new UnencodableValue(`float64(${value}), which interop keys do not allow`, 'Float64');
  }
  // Interop canonical numbers: an integral float inside the integer range is the integer.
  if (Number.isInteger(value) && value >= -TWO_POW_63 && value < TWO_POW_64) w.bigint(BigInt(value));
  else w.float64(value);
}

/** A Date in a key. */
export function writeKeyDate(w: MsgpackWriter, date: Date, interop: boolean): void {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new UnencodableValue('an invalid Date', 'Date');
  if (interop) {
    // Epoch seconds: ms / 1000 is one correctly rounded division, as Python's micros / 10**6.
    if (ms % 1000 === 0) w.int(ms / 1000);
    else w.float64(ms / 1000);
    return;
  }
  const text = pythonIsoformatOfDate(date);
  if (text === undefined) throw new UnencodableValue('a Date outside the years 1–9999', 'Date');
  w.str(text);
}

/** An `isoDateTime()` in a key: it must name its UTC offset. */
export function writeKeyIsoDateTime(w: MsgpackWriter, value: IsoDateTime, interop: boolean): void {
  const micros = value.epochMicroseconds;
  if (micros === undefined) {
    throw new UnencodableValue(`a naive date-time (${value.text}) with no UTC offset; add one`, 'IsoDateTime');
  }
  if (!interop) {
    w.str(value.toPythonIsoformat());
    return;
  }
  if (micros % 1_000_000n === 0n) {
    w.bigint(micros / 1_000_000n);
    return;
  }
  if (micros > MAX_EXACT_MICROS || micros < -MAX_EXACT_MICROS) {
    throw new UnencodableValue(`a date-time too far from 1970 (${value.text}) for an exact epoch-seconds float`, 'IsoDateTime');
  }
  w.float64(Number(micros) / 1_000_000);
}
