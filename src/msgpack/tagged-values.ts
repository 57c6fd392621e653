/**
 * Small value types for what a JS primitive cannot say on its own but Python (and so the
 * cachekit protocol) can: "this number is a float", "this is a date-time with microseconds and
 * an offset", "this string is a UUID", "this is a calendar date / a time of day", and an
 * unknown MessagePack ext. Keys and serializers recognise them; they cost nothing elsewhere.
 */
import { type IsoDateTimeParts, epochMicros, formatPythonIsoformat, parseIsoDateTime } from './iso-datetime';

/**
 * A number that is a float even when it is integral: `float64(3)` encodes as MessagePack
 * float64 (`cb 40 08 …`) where a bare `3` encodes as the integer `03`, which is what Python's
 * `3.0` and `3` hash to. In interop keys an integral float still collapses to an integer, as
 * the protocol prescribes, but it may exceed 2^53 where a bare number may not.
 */
export class Float64 {
  constructor(readonly value: number) {
    if (typeof value !== 'number') throw new TypeError(`float64() takes a number, got ${typeof value}`);
  }
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
}

/** Marks `value` as a float for keys and MessagePack values (see {@link Float64}). */
export function float64(value: number): Float64 {
  return new Float64(value);
}

/**
 * An ISO-8601 date-time kept as text-level parts, with microseconds and its UTC offset, as a
 * Python `datetime` carries them. A JS `Date` has only milliseconds and no offset; use this
 * when a key must match one built from a Python datetime. A value without an offset is naive:
 * it can be built, but every key generator refuses it, as Python's does.
 */
export class IsoDateTime {
  private readonly parts: IsoDateTimeParts;

  constructor(readonly text: string) {
    const parts = parseIsoDateTime(text);
    if (parts === undefined) {
      throw new TypeError(`isoDateTime(): ${JSON.stringify(text)} is not an ISO-8601 date-time (YYYY-MM-DDTHH:MM[:SS[.ffffff]][±HH:MM|Z])`);
    }
    this.parts = parts;
  }

  /** True when the text has no UTC offset (a naive date-time). */
  get isNaive(): boolean {
    return this.parts.offsetMicros === undefined;
  }

  /** Microseconds since the Unix epoch, or undefined for a naive value. */
  get epochMicroseconds(): bigint | undefined {
    const { offsetMicros } = this.parts;
    return offsetMicros === undefined ? undefined : epochMicros({ ...this.parts, offsetMicros });
  }

  /** Python's `datetime.isoformat()` of this value (offset kept, `+00:00` for `Z`). */
  toPythonIsoformat(): string {
    return formatPythonIsoformat(this.parts);
  }

  toJSON(): string {
    return this.text;
  }
}

/** Parses ISO-8601 text into an {@link IsoDateTime}. */
export function isoDateTime(text: string): IsoDateTime {
  return new IsoDateTime(text);
}

const UUID_TEXT = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;

/** A value kept as its text: that text is what it shows and what JSON makes of it. */
abstract class TextValue {
  abstract readonly value: string;
  toString(): string {
    return this.value;
  }
  toJSON(): string {
    return this.value;
  }
}

/** A UUID. Keys use its canonical form (lowercase, hyphenated), as Python's `str(uuid)` does. */
export class Uuid extends TextValue {
  /** Lowercase, hyphenated. */
  readonly value: string;

  constructor(text: string) {
    super();
    if (typeof text !== 'string' || !UUID_TEXT.test(text)) {
      throw new TypeError(`uuid(): ${JSON.stringify(text)} is not a UUID`);
    }
    const hex = text.replace(/-/g, '').toLowerCase();
    this.value = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

}

/** Parses a UUID (any case, with or without hyphens) into a {@link Uuid}. */
export function uuid(text: string): Uuid {
  return new Uuid(text);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{3}|\d{6}))?)?(?:Z|[+-]\d{2}:\d{2}(?::\d{2}(?:\.\d{6})?)?)?$/;

/**
 * A calendar date without a time (Python's `datetime.date`), kept as `YYYY-MM-DD`. The standard
 * serializer writes it as the protocol's `{"__date__": true, "value": …}` and reads it back.
 */
export class CalendarDate extends TextValue {
  constructor(readonly value: string) {
    super();
    const m = ISO_DATE.exec(value);
    if (m === null || parseIsoDateTime(`${value}T00:00`) === undefined) {
      throw new TypeError(`CalendarDate: ${JSON.stringify(value)} is not a YYYY-MM-DD date`);
    }
  }
}

/**
 * A time of day (Python's `datetime.time`), kept as Python's `isoformat()` text (`HH:MM:SS`,
 * optional fraction and offset). Written as `{"__time__": true, "value": …}`.
 */
export class TimeOfDay extends TextValue {
  constructor(readonly value: string) {
    super();
    const m = ISO_TIME.exec(value);
    if (m === null || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) {
      throw new TypeError(`TimeOfDay: ${JSON.stringify(value)} is not an ISO-8601 time (HH:MM[:SS[.ffffff]][±HH:MM])`);
    }
  }
}

/** A MessagePack ext value the reader has no meaning for: its type code and payload bytes. */
export class MsgpackExtension {
  constructor(
    readonly type: number,
    readonly data: Buffer,
  ) {}
}
