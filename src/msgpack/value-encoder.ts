/**
 * JS values → MessagePack: the one walker behind stored values and cache keys, in five
 * profiles that share its containers, path reporting and cycle diagnosis:
 *
 * - `standard`: what cachekit-py's StandardSerializer reads. Maps keep insertion order; Dates
 *   (and CalendarDate / TimeOfDay / IsoDateTime) become the protocol's `{"__datetime__": true,
 *   "value": iso}` sentinel maps; `undefined` becomes nil (as JSON makes it null); Maps must
 *   have string keys (msgpack-python cannot read others); Sets and class instances without
 *   `toJSON` are refused.
 * - `interop`: the interop/v1 value. As `standard`, with map keys sorted by code point.
 * - `auto`: JS-rich and exact: `undefined`, -0, Dates (even invalid), BigInts, Maps with any
 *   keys, Sets, typed arrays and ArrayBuffers come back as they went in (`auto-values.ts`).
 * - `key` and `interop-key`: the canonical arguments a cache key hashes. Map keys sorted by
 *   code point, Sets as sorted de-duplicated arrays, numbers, Dates and date-times as
 *   `key-scalars.ts` writes them, no sentinels and no extensions.
 *
 * A value that cannot be written is an error naming its path and type: a `SerializationError`
 * (stored values; also for bytes that would pass the caller's byte limit, where writing stops,
 * or whose decoding would exceed the decode budget its reader enforces, `decode-cost.ts`), or
 * a `KeyGenerationError` (keys).
 *
 * Longer than the ~350 lines files aim for, on purpose: the profiles branch inside the shared
 * walk (a field test per value) so that no profile pays a call per value; the leaves that are
 * one profile's alone live in `key-scalars.ts` and `auto-values.ts`.
 */
import { KeyGenerationError, SerializationError } from '../errors';
import type { ErrorCode } from '../error-codes';
import { describeType } from '../describe-value';
import { sortByCodePoint } from './code-point-order';
import { pythonIsoformatOfDate } from './iso-datetime';
import { CalendarDate, Float64, IsoDateTime, MsgpackExtension, TimeOfDay, Uuid } from './tagged-values';
import { AUTO_EXT } from './auto-tags';
import { writeAutoBigInt, writeAutoBinary, writeAutoDate, writeAutoTag } from './auto-values';
import { DecodeBoundsError, MAX_DECODE_DEPTH, checkDecodeBounds } from './bounds';
import { findCyclePath, propertySegment } from './cycle-path';
import { autoExtensionCost, mayExceedDecodeBudget, standardExtensionCost } from './decode-cost';
import { writeKeyDate, writeKeyFloat, writeKeyIsoDateTime, writeKeyNumber } from './key-scalars';
import { UnencodableValue } from './unencodable';
import { LONE_SURROGATE, MsgpackWriter, OutputLimitExceeded } from './writer';

/** Which MessagePack dialect to write for a stored value. */
export type ValueProfile = 'standard' | 'interop' | 'auto';

/** Any profile of the encoder: a stored value's, or a key's. */
export type EncoderProfile = ValueProfile | 'key' | 'interop-key';

/** Error code of a value that has no encoding in the chosen profile. */
export const UNENCODABLE_VALUE = 'ERR_SERIALIZATION_UNSUPPORTED' satisfies ErrorCode;

/** Error code of a value whose bytes pass the caller's limit (`maxValueBytes`). */
export const VALUE_TOO_LARGE = 'ERR_VALUE_TOO_LARGE' satisfies ErrorCode;

/** Deeper key arguments are refused rather than risking a stack overflow. */
export const MAX_KEY_DEPTH = 256;

/** Writes one value per call into its writer. Not re-entrant: `encode` guards for that. */
export class ValueEncoder {
  readonly writer: MsgpackWriter;
  /** A key profile: canonical forms, `KeyGenerationError`s. */
  private readonly key: boolean;
  /** `interop` or `interop-key`: non-finite numbers are refused. */
  private readonly interop: boolean;
  private readonly sortKeys: boolean;
  private readonly rich: boolean;
  private readonly maxDepth: number;
  private busy = false;
  /**
   * Whether plain objects are walked with for-in (see `writeOwnKeys`): the profile keeps
   * insertion order, and Object.prototype has no enumerable property for for-in to list
   * (checked at the start of each value).
   */
  private walkForIn = false;

  /** `writer`: a size for a writer of its own, or a writer shared with the caller (keys). */
  constructor(
    readonly profile: EncoderProfile,
    writer: number | MsgpackWriter = 4096,
  ) {
    this.writer = typeof writer === 'number' ? new MsgpackWriter(writer) : writer;
    this.key = profile === 'key' || profile === 'interop-key';
    this.interop = profile === 'interop' || profile === 'interop-key';
    this.sortKeys = this.key || profile === 'interop';
    this.rich = profile === 'auto';
    // Stored values stop where their reader would; keys bound the stack only.
    this.maxDepth = this.key ? MAX_KEY_DEPTH : MAX_DECODE_DEPTH - 1;
  }

  /**
   * The MessagePack bytes of a stored `value`, as a view into the encoder's buffer that stays
   * valid until the next call (copy it to keep it). Writing stops with a `VALUE_TOO_LARGE`
   * SerializationError as soon as the bytes pass `maxBytes`. A `toJSON` that encodes with this
   * same encoder while it is busy gets a fresh one.
   */
  encode(value: unknown, maxBytes = Number.POSITIVE_INFINITY): Buffer {
    if (this.busy) return new ValueEncoder(this.profile, 256).encode(value, maxBytes).subarray();
    this.busy = true;
    this.writer.reset(maxBytes);
    this.walkForIn = !this.sortKeys && !hasEnumerableProperty(Object.prototype);
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
      const cycle = error.tooDeep ? findCyclePath(value, 'value') : undefined;
      if (cycle !== undefined) {
        throw new SerializationError(`Cannot serialize (${this.profile}): ${cycle} is a reference to one of its own ancestors (a cycle).`, {
          code: UNENCODABLE_VALUE,
        });
      }
      throw new SerializationError(`Cannot serialize (${this.profile}): ${error.pathFrom('value')} is ${error.reason} (${error.valueType}).`, {
        code: UNENCODABLE_VALUE,
      });
    } finally {
      this.busy = false;
    }
  }

  /**
   * Appends a key's argument array (`root` `args`) or keyword map (`kwargs`) to the writer, as
   * its top-level container; throws `KeyGenerationError` naming the path from `root`.
   */
  writeKeyPart(root: 'args' | 'kwargs', value: readonly unknown[] | Readonly<Record<string, unknown>>): void {
    try {
      if (Array.isArray(value)) this.writeArray(value, 0);
      else this.writePlainObject(value as Readonly<Record<string, unknown>>, 0);
    } catch (error) {
      if (!(error instanceof UnencodableValue)) throw error;
      // Only now look for a cycle: tracking ancestors on every call would cost each container a scan.
      const cycle = error.tooDeep ? findCyclePath(value, root) : undefined;
      if (cycle !== undefined) {
        throw new KeyGenerationError(`Cannot build a cache key: ${cycle} is a reference to one of its own ancestors (a cycle).`, cycle, describeType(value));
      }
      const path = error.pathFrom(root);
      throw new KeyGenerationError(`Cannot build a cache key: ${path} is ${error.reason} (${error.valueType}).`, path, error.valueType);
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
        if (w.str(value) === LONE_SURROGATE) throw new UnencodableValue(`a string with a lone surrogate, ${this.noUtf8()}`, 'string');
        return;
      case 'number':
        if (this.key) writeKeyNumber(w, value, this.interop);
        else if (Number.isSafeInteger(value) && !(value === 0 && 1 / value < 0)) w.int(value);
        else if (this.interop && !Number.isFinite(value)) {
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
        if (this.rich) writeAutoTag(w, AUTO_EXT.UNDEFINED);
        else w.nil();
        return;
      case 'bigint':
        if (this.rich) writeAutoBigInt(w, value);
        else if (!w.bigint(value)) throw new UnencodableValue('an integer outside [-2^63, 2^64 - 1], the MessagePack range', 'bigint');
        return;
      default:
        throw new UnencodableValue(
          this.key
            ? `a ${typeof value}, which has no stable value to hash; pass plain data or use the \`key\` option`
            : `a ${typeof value}, which cannot be stored`,
          typeof value,
        );
    }
  }

  private noUtf8(): string {
    return this.key ? 'which has no UTF-8 form' : 'which UTF-8 cannot carry';
  }

  private writeObject(value: object, depth: number): void {
    if (depth >= this.maxDepth) {
      throw new UnencodableValue(
        this.key ? `nested deeper than ${MAX_KEY_DEPTH} levels` : `nested deeper than the ${MAX_DECODE_DEPTH - 1} levels a reader accepts`,
        describeType(value),
        true,
      );
    }
    if (Array.isArray(value)) {
      this.writeArray(value, depth + 1);
      return;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      if (!this.rich && typeof (value as { toJSON?: unknown }).toJSON === 'function') this.writeJsonOf(value, depth);
      // Null-prototype objects are dictionaries in V8, where for-in is the slower walk.
      else if (this.walkForIn && proto !== null) this.writeOwnKeys(value as Record<string, unknown>, depth + 1);
      else this.writePlainObject(value as Record<string, unknown>, depth + 1);
      return;
    }
    const w = this.writer;
    if (value instanceof Uint8Array && (!this.rich || Buffer.isBuffer(value))) w.bin(value);
    else if (value instanceof Date) this.writeDate(value);
    else if (value instanceof Map) this.writeMap(value, depth + 1);
    else if (value instanceof Float64) this.writeFloat64(value.value);
    else if (this.rich) this.writeAutoObject(value, depth);
    else if (value instanceof IsoDateTime) {
      if (this.key) writeKeyIsoDateTime(w, value, this.interop);
      else this.writeSentinel('__datetime__', value.toPythonIsoformat());
    } else if (value instanceof Set) {
      if (!this.key) throw new UnencodableValue('a Set, which Python cannot read back; store an array, or use the auto serializer', 'Set');
      this.writeSortedSet(value, depth + 1);
    } else if (!this.key && value instanceof CalendarDate) this.writeSentinel('__date__', value.value);
    else if (!this.key && value instanceof TimeOfDay) this.writeSentinel('__time__', value.value);
    else if (value instanceof Uuid) w.str(value.value);
    else if (typeof (value as { toJSON?: unknown }).toJSON === 'function') this.writeJsonOf(value, depth);
    else if (!this.key && value instanceof MsgpackExtension) {
      w.extHeader(value.type, value.data.length);
      w.raw(value.data);
    } else throw this.noFormOf(value);
  }

  private noFormOf(value: object): UnencodableValue {
    const binary = ArrayBuffer.isView(value) || value instanceof ArrayBuffer;
    if (this.key) {
      return new UnencodableValue(
        binary
          ? 'binary data other than a Buffer/Uint8Array; pass a Uint8Array view of it'
          : 'an object that is neither plain data nor has a toJSON(); give it a toJSON() or use the `key` option',
        describeType(value),
      );
    }
    return new UnencodableValue(
      binary
        ? 'binary data other than a Buffer/Uint8Array; store a Uint8Array view of it, or use the auto serializer'
        : 'an instance of a class without toJSON(); store plain data, give the class a toJSON(), or use a custom serializer',
      describeType(value),
    );
  }

  private writeFloat64(value: number): void {
    if (this.key) writeKeyFloat(this.writer, value, this.interop);
    else if (this.interop && !Number.isFinite(value)) {
      throw new UnencodableValue('a non-finite number (NaN or ±Infinity), which interop values cannot carry', 'Float64');
    } else this.writer.float64(value);
  }

  /** Types only `auto` has: Sets, typed arrays, ArrayBuffers. Class instances are refused. */
  private writeAutoObject(value: object, depth: number): void {
    if (!(value instanceof Set)) {
      writeAutoBinary(this.writer, value);
      return;
    }
    this.writer.arrayHeader(value.size + 1);
    writeAutoTag(this.writer, AUTO_EXT.SET);
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
    if (this.sortKeys && keys.length > 1) sortByCodePoint(keys);
    this.writeStringKeyed(keys, value, undefined, depth);
  }

  /**
   * A plain object in insertion order, walked with for-in rather than `Object.keys`: for-in
   * reads each value straight from the object's layout (V8's enum cache) and allocates no key
   * array: 0.63–0.80× the time of the nested 1 KB record, 0.5–0.7× for 100 keys
   * (benches/codec-walk.bench.mjs). Only an object in V8's dictionary mode (one with a deleted
   * property) is slower this way: 1.4–1.6× for 3 keys. The count is known at the end, so the
   * header is patched then. The same keys in the same order as `Object.keys`, except where a
   * getter deletes a key not yet written: for-in then leaves it out, where `Object.keys` wrote
   * it as nil.
   */
  private writeOwnKeys(value: Readonly<Record<string, unknown>>, depth: number): void {
    const w = this.writer;
    const header = w.openMapHeader();
    let length = 0;
    let key = '';
    try {
      for (key in value) {
        if (w.str(key) === LONE_SURROGATE) throw new UnencodableValue(`a key with a lone surrogate, ${this.noUtf8()}`, 'string');
        this.write(value[key], depth);
        length++;
      }
    } catch (error) {
      if (error instanceof UnencodableValue) error.segments.push(propertySegment(key));
      throw error;
    }
    w.closeMapHeader(header, length);
  }

  private writeMap(map: ReadonlyMap<unknown, unknown>, depth: number): void {
    if (this.rich) {
      this.writer.arrayHeader(map.size * 2 + 1);
      writeAutoTag(this.writer, AUTO_EXT.MAP);
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
          this.key
            ? 'a Map with a non-string key; only string keys have a canonical order'
            : 'a Map with a non-string key, which Python (msgpack strict_map_key) cannot read; use string keys or the auto serializer',
          describeType(key),
        );
        error.segments.push('<Map key>');
        throw error;
      }
      keys.push(key);
    }
    if (this.sortKeys && keys.length > 1) sortByCodePoint(keys);
    this.writeStringKeyed(keys, undefined, map, depth);
  }

  /** A MessagePack map of `keys` (in order) to their values in `object`, or else in `map`. */
  private writeStringKeyed(keys: readonly string[], object: Readonly<Record<string, unknown>> | undefined, map: ReadonlyMap<unknown, unknown> | undefined, depth: number): void {
    this.writer.mapHeader(keys.length);
    let key = '';
    try {
      for (key of keys) {
        if (this.writer.str(key) === LONE_SURROGATE) {
          const error = new UnencodableValue(`a key with a lone surrogate, ${this.noUtf8()}`, 'string');
          if (this.key) error.segments.push(`<key ${JSON.stringify(key)}>`);
          throw error;
        }
        this.write(object !== undefined ? object[key] : map!.get(key), depth);
      }
    } catch (error) {
      if (error instanceof UnencodableValue) error.segments.push(object !== undefined ? propertySegment(key) : `.get(${JSON.stringify(key)})`);
      throw error;
    }
  }

  /** A key's Set: elements encoded on their own, sorted by their bytes and de-duplicated. */
  private writeSortedSet(set: ReadonlySet<unknown>, depth: number): void {
    const encoded: Buffer[] = [];
    let index = 0;
    try {
      const element = new ValueEncoder(this.profile, 64);
      for (const item of set) {
        element.writer.reset();
        element.write(item, depth);
        encoded.push(element.writer.copy());
        index++;
      }
    } catch (error) {
      if (error instanceof UnencodableValue) error.segments.push(`<Set element ${index}>`);
      throw error;
    }
    encoded.sort(Buffer.compare);
    const unique = encoded.filter((bytes, i) => i === 0 || !bytes.equals(encoded[i - 1]!));
    this.writer.arrayHeader(unique.length);
    for (const bytes of unique) this.writer.raw(bytes);
  }

  private writeDate(date: Date): void {
    if (this.rich) return writeAutoDate(this.writer, date);
    if (this.key) return writeKeyDate(this.writer, date, this.interop);
    const text = pythonIsoformatOfDate(date);
    if (text === undefined) {
      throw new UnencodableValue(Number.isNaN(date.getTime()) ? 'an invalid Date' : 'a Date outside the years 1–9999 Python can represent', 'Date');
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
}

/** Whether for-in over an object inheriting from `prototype` would list an inherited key. */
function hasEnumerableProperty(prototype: object): boolean {
  for (const _ in prototype) return true;
  return false;
}
