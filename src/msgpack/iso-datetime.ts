/**
 * ISO-8601 date-times the way Python writes and reads them. Python's `datetime.isoformat()` is
 * not `Date#toISOString()`: it writes `+00:00` instead of `Z`, six fractional digits (or none
 * when the microseconds are zero), and keeps the original UTC offset. Python 3.10's
 * `fromisoformat` rejects a `Z` suffix, so everything cachekit writes for Python uses this form.
 */

/** The parts of a parsed ISO-8601 date-time; `offsetMicros` is undefined for a naive value. */
export interface IsoDateTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  offsetMicros: bigint | undefined;
}

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{6}))?)?)?$/;

const MICROS_PER_SECOND = 1_000_000n;
const MICROS_PER_DAY = 86_400n * MICROS_PER_SECOND;

/** Parses ISO-8601 text (as Python's `fromisoformat` accepts it); undefined when it is not one. */
export function parseIsoDateTime(text: string): IsoDateTimeParts | undefined {
  const m = ISO_DATE_TIME.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  // Python keeps microseconds; extra digits are floored, as the interop spec prescribes.
  const microsecond = m[7] === undefined ? 0 : Number(m[7].padEnd(6, '0').slice(0, 6));
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMicros: bigint | undefined;
  if (m[8] === 'Z') {
    offsetMicros = 0n;
  } else if (m[9] !== undefined) {
    const hours = Number(m[10]);
    const minutes = Number(m[11]);
    const seconds = m[12] === undefined ? 0 : Number(m[12]);
    const micros = m[13] === undefined ? 0 : Number(m[13]);
    if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
    const magnitude = BigInt(((hours * 60 + minutes) * 60 + seconds) * 1_000_000 + micros);
    offsetMicros = m[9] === '-' ? -magnitude : magnitude;
  }
  return { year, month, day, hour, minute, second, microsecond, offsetMicros };
}

/** Microseconds since 1970-01-01T00:00:00Z of an aware date-time (its offset applied). */
export function epochMicros(parts: IsoDateTimeParts & { offsetMicros: bigint }): bigint {
  const days = BigInt(daysFromCivil(parts.year, parts.month, parts.day));
  const timeOfDay = BigInt(((parts.hour * 60 + parts.minute) * 60 + parts.second) * 1_000_000 + parts.microsecond);
  return days * MICROS_PER_DAY + timeOfDay - parts.offsetMicros;
}

/** Python's `datetime.isoformat()` of the parsed value, keeping its offset (none when naive). */
export function formatPythonIsoformat(parts: IsoDateTimeParts): string {
  let text =
    `${pad(parts.year, 4)}-${pad(parts.month, 2)}-${pad(parts.day, 2)}` +
    `T${pad(parts.hour, 2)}:${pad(parts.minute, 2)}:${pad(parts.second, 2)}`;
  if (parts.microsecond !== 0) text += `.${pad(parts.microsecond, 6)}`;
  if (parts.offsetMicros !== undefined) text += formatOffset(parts.offsetMicros);
  return text;
}

/**
 * Python's `isoformat()` of the UTC instant of a JS Date (`2024-01-01T12:30:45.123000+00:00`),
 * or undefined when the date is invalid or outside Python's years 1–9999.
 */
export function pythonIsoformatOfDate(date: Date): string | undefined {
  const ms = date.getTime();
  if (Number.isNaN(ms)) return undefined;
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) return undefined;
  const millis = date.getUTCMilliseconds();
  let text =
    `${pad(year, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
    `T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`;
  if (millis !== 0) text += `.${pad(millis, 3)}000`;
  return `${text}+00:00`;
}

/**
 * The JS Date of ISO text written by Python (`isoformat()`); a naive value is read as UTC so the
 * result never depends on the reader's time zone. Undefined when the text is not a date-time or
 * the instant is outside the range of a JS Date. Microseconds below a millisecond are dropped.
 */
export function dateFromIsoText(text: string): Date | undefined {
  const parts = parseIsoDateTime(text);
  if (parts === undefined) return undefined;
  const micros = epochMicros({ ...parts, offsetMicros: parts.offsetMicros ?? 0n });
  // Floor to milliseconds (toward −∞, like the microsecond floor above).
  let ms = micros / 1000n;
  if (micros < 0n && ms * 1000n !== micros) ms -= 1n;
  const date = new Date(Number(ms));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function formatOffset(offsetMicros: bigint): string {
  const sign = offsetMicros < 0n ? '-' : '+';
  let rest = offsetMicros < 0n ? -offsetMicros : offsetMicros;
  const micros = Number(rest % MICROS_PER_SECOND);
  rest /= MICROS_PER_SECOND;
  const seconds = Number(rest % 60n);
  rest /= 60n;
  const minutes = Number(rest % 60n);
  const hours = Number(rest / 60n);
  let text = `${sign}${pad(hours, 2)}:${pad(minutes, 2)}`;
  if (seconds !== 0 || micros !== 0) text += `:${pad(seconds, 2)}`;
  if (micros !== 0) text += `.${pad(micros, 6)}`;
  return text;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's civil-days algorithm). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}
