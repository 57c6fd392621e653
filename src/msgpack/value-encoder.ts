/**
 * JS values → MessagePack for stored values, in three profiles:
 *
 * - `standard`: what cachekit-py's StandardSerializer reads. Maps keep insertion order; Dates
 *   (and CalendarDate / TimeOfDay / IsoDateTime) become the protocol's `{"__datetime__": true,
 *   "value": iso}` sentinel maps; `undefined` becomes nil (as JSON makes it null); Maps must
 *   have string keys (msgpack-python cannot read others); Sets and class instances without
 *   `toJSON` are refused.
 * - `interop`: the interop/v1 value. As `standard`, with map keys sorted by code point.
 * - `auto`: JS-rich and exact: `undefined`, -0, Dates (even invalid), BigInts, Maps with any
 *   keys, Sets, typed arrays and ArrayBuffers come back as they went in (`auto-tags.ts`).
 *
 * A value that cannot be written is a `SerializationError` naming its path and type; so is one
 * whose bytes would pass the caller's byte limit (writing stops there) or whose decoding would
 * exceed the decode budget, which its reader would refuse (`decode-cost.ts`).
 */
import { SerializationError } from '../errors';
import type { ErrorCode } from '../error-codes';
import { describeType } from '../describe-value';
import { compareCodePoints } from './code-point-order';
import { pythonIsoformatOfDate } from './iso-datetime';
import { CalendarDate, Float64, IsoDateTime, MsgpackExtension, TimeOfDay, Uuid } from './tagged-values';
import { AUTO_EXT, BIG_ENDIAN_HOST, VIEW_KINDS, swapElementBytes } from './auto-tags';
import { DecodeBoundsError, MAX_DECODE_DEPTH, checkDecodeBounds } from './bounds';
import { findCyclePath, propertySegment } from './cycle-path';
import { MAX_BIGINT_DIGITS, autoExtensionCost, mayExceedDecodeBudget, standardExtensionCost } from './decode-cost';
import { LONE_SURROGATE, MsgpackWriter, OutputLimitExceeded } from './writer';

/** Which MessagePack dialect to write. */
export type ValueProfile = 'standard' | 'interop' | 'auto';

/** Error code of a value that has no encoding in the chosen profile. */
export const UNENCODABLE_VALUE = 'ERR_SERIALIZATION_UNSUPPORTED' satisfies ErrorCode;

/** Error code of a value whose bytes pass the caller's limit (`maxValueBytes`). */
export const VALUE_TOO_LARGE = 'ERR_VALUE_TOO_LARGE' satisfies ErrorCode;

/** Thrown inside the encoder; containers add their path segment on the way out. */
class UnencodableValue extends Error {
  readonly segments: string[] = [];
  constructor(
    readonly reason: string,
    readonly valueType: string,
    readonly tooDeep = false,
  ) {
    super(reason);
  }
}

/** Writes one value per call into a reused buffer. Not re-entrant: `encode` guards for that. */
export class ValueEncoder {
  readonly writer: MsgpackWriter;
  private readonly sortKeys: boolean;
  private readonly rich: boolean;
  private busy = false;

  constructor(
    readonly profile: ValueProfile,
    initialSize = 4096,
  ) {
    this.writer = new MsgpackWriter(initialSize);
    this.sortKeys = profile === 'interop';
    this.rich = profile === 'auto';
  }

  /**
   * The MessagePack bytes of `value`, as a view into the encoder's buffer that stays valid until
   * the next call (copy it to keep it). Writing stops with a `VALUE_TOO_LARGE` SerializationError
   * as soon as the bytes pass `maxBytes`. A `toJSON` that encodes with this same encoder while
   * it is busy gets a fresh one.
   */
  encode(value: unknown, maxBytes = Number.POSITIVE_INFINITY): Buffer {
    if (this.busy) return new ValueEncoder(this.profile, 256).encode(value, maxBytes).subarray();
    this.busy = true;
    this.writer.reset(maxBytes);
    try {
      this.write(value, 0);
      const bytes = this.writer.view();
      // Priced only when the cheap bound says it might not fit (never for records or text).
      if (mayExceedDecodeBudget(bytes.length, this.writer.fixedCostItems)) this.checkDecodeBudget(bytes);
      return bytes;
    } catch (error) {
      if (error instanceof OutputLimitExceeded) {
        // Nobody reads these bytes: do not keep a buffer grown to the limit for them.
        this.writer.discard();
        throw new SerializationError(
          `Cannot serialize (${this.profile}): the value's bytes pass the ${maxBytes}-byte limit (maxValueBytes); writing stopped there.`,
          { code: VALUE_TOO_LARGE },
        );
      }
      if (!(error instanceof UnencodableValue)) throw error;
      if (error.tooDeep) {
        // Only now look for a cycle: tracking ancestors on every call would cost each container a scan.
        const cycle = findCyclePath(value, 'value');
        if (cycle !== undefined) {
          throw new SerializationError(`Cannot serialize (${this.profile}): ${cycle} is a reference to one of its own ancestors (a cycle).`, {
            code: UNENCODABLE_VALUE,
          });
        }
      }
      const segments = error.segments.reverse();
      const path = `value${segments.length > 12 ? `${segments.slice(0, 6).join('')}…${segments.slice(-6).join('')}` : segments.join('')}`;
      throw new SerializationError(`Cannot serialize (${this.profile}): ${path} is ${error.reason} (${error.valueType}).`, {
        code: UNENCODABLE_VALUE,
      });
    } finally {
      this.busy = false;
    }
  }

  /** Refuses bytes whose reader would refuse them: their decoded heap is over the decode budget. */
  private checkDecodeBudget(bytes: Buffer): void {
    try {
      checkDecodeBounds(bytes, 0, bytes.length, MAX_DECODE_DEPTH, this.rich ? autoExtensionCost : standardExtensionCost);
    } catch (error) {
      if (!(error instanceof DecodeBoundsError)) throw error;
      throw new SerializationError(`Cannot serialize (${this.profile}): readers would refuse it: ${error.message}.`, {
        code: UNENCODABLE_VALUE,
        cause: error,
      });
    }
  }

  private write(value: unknown, depth: number): void {
    const w = this.writer;
    switch (typeof value) {
      case 'string':
        if (w.str(value) === LONE_SURROGATE) {
          throw new UnencodableValue('a string with a lone surrogate, which UTF-8 cannot carry', 'string');
        }
        return;
      case 'number':
        if (Number.isSafeInteger(value) && !(value === 0 && 1 / value < 0)) w.int(value);
        else if (this.sortKeys && !Number.isFinite(value)) {
          // Outside the interop data model: cachekit-py refuses them, so no SDK could read it.
          throw new UnencodableValue('a non-finite number (NaN or ±Infinity), which interop values cannot carry', 'number');
        } else w.float64(value);
        return;
      case 'boolean':
        w.bool(value);
        return;
      case 'object':
        if (value === null) w.nil();
        else this.writeObject(value, depth);
        return;
      case 'undefined':
        if (this.rich) this.writeTag(AUTO_EXT.UNDEFINED);
        else w.nil();
        return;
      case 'bigint':
        this.writeBigInt(value);
        return;
      default:
        throw new UnencodableValue(`a ${typeof value}, which cannot be stored`, typeof value);
    }
  }

  private writeBigInt(value: bigint): void {
    if (this.rich) {
      // Readers refuse longer ones (parsing decimal text is superlinear). Hex digits never
      // outnumber decimal ones, so the cheap hex length refuses huge values before toString().
      const hexDigits = (value < 0n ? -value : value).toString(16).length;
      if (hexDigits > MAX_BIGINT_DIGITS) throw tooManyDigits(`about ${Math.round(hexDigits * Math.log10(16))}`);
      const digits = value.toString();
      const digitCount = digits.length - (value < 0n ? 1 : 0);
      if (digitCount > MAX_BIGINT_DIGITS) throw tooManyDigits(String(digitCount));
      this.writer.extHeader(AUTO_EXT.BIGINT, digits.length);
      this.writer.ensure(digits.length);
      this.writer.pos += this.writer.buf.write(digits, this.writer.pos, 'latin1');
      return;
    }
    if (!this.writer.bigint(value)) {
      throw new UnencodableValue('an integer outside [-2^63, 2^64 - 1], the MessagePack range', 'bigint');
    }
  }

  private writeObject(value: object, depth: number): void {
    if (depth >= MAX_DECODE_DEPTH - 1) {
      throw new UnencodableValue(`nested deeper than the ${MAX_DECODE_DEPTH - 1} levels a reader accepts`, describeType(value), true);
    }
    if (Array.isArray(value)) {
      this.writeArray(value, depth + 1);
      return;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      if (!this.rich && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
        this.writeJsonOf(value, depth);
        return;
      }
      this.writePlainObject(value as Record<string, unknown>, depth + 1);
      return;
    }
    if (value instanceof Uint8Array && (!this.rich || Buffer.isBuffer(value))) {
      this.writer.bin(value);
    } else if (value instanceof Date) {
      this.writeDate(value);
    } else if (value instanceof Map) {
      this.writeMap(value, depth + 1);
    } else if (value instanceof Float64) {
      if (this.sortKeys && !Number.isFinite(value.value)) {
        throw new UnencodableValue('a non-finite number (NaN or ±Infinity), which interop values cannot carry', 'Float64');
      }
      this.writer.float64(value.value);
    } else if (this.rich) {
      this.writeRichObject(value, depth);
    } else if (value instanceof IsoDateTime) {
      this.writeSentinel('__datetime__', value.toPythonIsoformat());
    } else if (value instanceof CalendarDate) {
      this.writeSentinel('__date__', value.value);
    } else if (value instanceof TimeOfDay) {
      this.writeSentinel('__time__', value.value);
    } else if (value instanceof Uuid) {
      this.writer.str(value.value);
    } else if (value instanceof Set) {
      throw new UnencodableValue('a Set, which Python cannot read back; store an array, or use the auto serializer', 'Set');
    } else if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      this.writeJsonOf(value, depth);
    } else if (value instanceof MsgpackExtension) {
      this.writer.extHeader(value.type, value.data.length);
      this.writer.raw(value.data);
    } else {
      throw new UnencodableValue(
        ArrayBuffer.isView(value) || value instanceof ArrayBuffer
          ? 'binary data other than a Buffer/Uint8Array; store a Uint8Array view of it, or use the auto serializer'
          : 'an instance of a class without toJSON(); store plain data, give the class a toJSON(), or use a custom serializer',
        describeType(value),
      );
    }
  }

  /** Types only `auto` has: Sets, typed arrays, ArrayBuffers. Class instances are refused. */
  private writeRichObject(value: object, depth: number): void {
    if (value instanceof Set) {
      this.writer.arrayHeader(value.size + 1);
      this.writeTag(AUTO_EXT.SET);
      let index = 0;
      try {
        for (const item of value) {
          this.write(item, depth + 1);
          index++;
        }
      } catch (error) {
        if (error instanceof UnencodableValue) error.segments.push(`<Set element ${index}>`);
        throw error;
      }
    } else if (ArrayBuffer.isView(value)) {
      const kind = VIEW_KINDS.findIndex((constructor) => value.constructor === constructor);
      if (kind < 0) throw new UnencodableValue('a typed array of a subclass auto cannot rebuild', describeType(value));
      const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      this.writer.extHeader(AUTO_EXT.VIEW_BASE + kind, bytes.length);
      const at = this.writer.pos;
      this.writer.raw(bytes);
      if (BIG_ENDIAN_HOST && !(value instanceof DataView)) {
        swapElementBytes(this.writer.buf.subarray(at, this.writer.pos), (value as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1);
      }
    } else if (value instanceof ArrayBuffer) {
      this.writer.extHeader(AUTO_EXT.ARRAY_BUFFER, value.byteLength);
      this.writer.raw(new Uint8Array(value));
    } else {
      throw new UnencodableValue(
        'an instance of a class, which auto cannot rebuild with its prototype; store plain data or use a custom serializer',
        describeType(value),
      );
    }
  }

  private writeJsonOf(value: object, depth: number): void {
    const json: unknown = (value as { toJSON(): unknown }).toJSON();
    if (json === value) throw new UnencodableValue('an object whose toJSON() returns itself', describeType(value));
    this.write(json, depth + 1);
  }

  private writeArray(values: readonly unknown[], depth: number): void {
    const length = values.length;
    this.writer.arrayHeader(length);
    let i = 0;
    try {
      for (; i < length; i++) this.write(values[i], depth);
    } catch (error) {
      if (error instanceof UnencodableValue) error.segments.push(`[${i}]`);
      throw error;
    }
  }

  private writePlainObject(value: Readonly<Record<string, unknown>>, depth: number): void {
    const keys = Object.keys(value);
    if (this.sortKeys && keys.length > 1) keys.sort(compareCodePoints);
    const length = keys.length;
    this.writer.mapHeader(length);
    let i = 0;
    try {
      for (; i < length; i++) {
        const key = keys[i]!;
        if (this.writer.str(key) === LONE_SURROGATE) {
          throw new UnencodableValue('a key with a lone surrogate, which UTF-8 cannot carry', 'string');
        }
        this.write(value[key], depth);
      }
    } catch (error) {
      if (error instanceof UnencodableValue) error.segments.push(propertySegment(keys[i] ?? ''));
      throw error;
    }
  }

  private writeMap(map: ReadonlyMap<unknown, unknown>, depth: number): void {
    if (this.rich) {
      this.writer.arrayHeader(map.size * 2 + 1);
      this.writeTag(AUTO_EXT.MAP);
      let index = 0;
      try {
        for (const [key, item] of map) {
          this.write(key, depth);
          this.write(item, depth);
          index++;
        }
      } catch (error) {
        if (error instanceof UnencodableValue) error.segments.push(`<Map entry ${index}>`);
        throw error;
      }
      return;
    }
    const keys: string[] = [];
    for (const key of map.keys()) {
      if (typeof key !== 'string') {
        const error = new UnencodableValue(
          'a Map with a non-string key, which Python (msgpack strict_map_key) cannot read; use string keys or the auto serializer',
          describeType(key),
        );
        error.segments.push('<Map key>');
        throw error;
      }
      keys.push(key);
    }
    if (this.sortKeys) keys.sort(compareCodePoints);
    this.writer.mapHeader(keys.length);
    let key = '';
    try {
      for (key of keys) {
        if (this.writer.str(key) === LONE_SURROGATE) {
          throw new UnencodableValue('a key with a lone surrogate, which UTF-8 cannot carry', 'string');
        }
        this.write(map.get(key), depth);
      }
    } catch (error) {
      if (error instanceof UnencodableValue) error.segments.push(`.get(${JSON.stringify(key)})`);
      throw error;
    }
  }

  private writeDate(date: Date): void {
    if (this.rich) {
      this.writer.extHeader(AUTO_EXT.DATE, 8);
      this.writer.ensure(8);
      this.writer.buf.writeDoubleBE(date.getTime(), this.writer.pos);
      this.writer.pos += 8;
      return;
    }
    const text = pythonIsoformatOfDate(date);
    if (text === undefined) {
      throw new UnencodableValue(
        Number.isNaN(date.getTime()) ? 'an invalid Date' : 'a Date outside the years 1–9999 Python can represent',
        'Date',
      );
    }
    this.writeSentinel('__datetime__', text);
  }

  /** `{"<marker>": true, "value": text}`; marker keys sort before `value` in either order rule. */
  private writeSentinel(marker: string, text: string): void {
    this.writer.mapHeader(2);
    this.writer.str(marker);
    this.writer.bool(true);
    this.writer.str('value');
    this.writer.str(text);
  }

  private writeTag(type: number): void {
    this.writer.fixedCostItems++;
    this.writer.ensure(3);
    const buf = this.writer.buf;
    buf[this.writer.pos++] = 0xd4;
    buf[this.writer.pos++] = type;
    buf[this.writer.pos++] = 0;
  }
}

function tooManyDigits(digits: string): UnencodableValue {
  return new UnencodableValue(`a BigInt of ${digits} digits; auto stores at most ${MAX_BIGINT_DIGITS} (readers refuse longer ones)`, 'bigint');
}
