/**
 * Function arguments → canonical MessagePack, the bytes a cache key hashes. Two profiles:
 *
 * - `default` mirrors cachekit-py's auto-mode key (`msgpack.packb([args, kwargs])`, strict
 *   types, floats always float64): integral numbers are ints, other numbers float64, `float64()`
 *   forces a float, Dates become Python `isoformat()` text.
 * - `interop` is the cross-SDK interop/v1 profile: integral floats collapse to ints, NaN and
 *   ±Infinity are refused, date-times become epoch seconds, sets are sorted by encoded bytes.
 *
 * Both sort map keys by Unicode code point (not UTF-16 order), turn `undefined` into nil,
 * Buffers/Uint8Arrays into bin, Maps with string keys into maps, Sets into sorted arrays, and
 * objects with a `toJSON` into its result. Everything else (functions, symbols, class instances,
 * cycles (found once nesting passes MAX_KEY_DEPTH), invalid dates, lone surrogates, unsafe integers) is a `KeyGenerationError` naming the
 * argument path and the type.
 */
import { KeyGenerationError } from '../errors';
import { describeType } from '../describe-value';
import { pythonIsoformatOfDate } from '../msgpack/iso-datetime';
import { findCyclePath, propertySegment } from '../msgpack/cycle-path';
import { LONE_SURROGATE, MsgpackWriter } from '../msgpack/writer';
import { Float64, IsoDateTime, Uuid } from '../msgpack/tagged-values';
import { sortByCodePoint } from '../msgpack/code-point-order';

/** Which canonical form to produce. */
export type KeyProfile = 'default' | 'interop';

/** Deeper argument structures are refused rather than risking a stack overflow. */
export const MAX_KEY_DEPTH = 256;

const TWO_POW_63 = 2 ** 63;
const TWO_POW_64 = 2 ** 64;
const MAX_EXACT_MICROS = BigInt(Number.MAX_SAFE_INTEGER);

/** Thrown inside the encoder; each container on the way out adds its path segment. */
class UnencodableArgument extends Error {
  readonly segments: string[] = [];
  constructor(
    readonly reason: string,
    readonly valueType: string,
    readonly tooDeep = false,
  ) {
    super(reason);
  }
}

/** Writes `[args, kwargs]` (default profile) or `args` (interop profile) as canonical MessagePack. */
export class CanonicalArgsEncoder {
  constructor(
    readonly writer: MsgpackWriter,
    private readonly profile: KeyProfile,
  ) {}

  /** `[args, sortedKwargs]`, the default-profile hash input. */
  writeArgsAndKwargs(args: readonly unknown[], kwargs: Readonly<Record<string, unknown>> | undefined): void {
    this.writer.arrayHeader(2);
    this.guard('args', () => this.writeArray(args, 0), args);
    this.guard('kwargs', () => this.writePlainObject(kwargs ?? {}, 0), kwargs);
  }

  /** The flat argument array, the interop-profile hash input. */
  writeArgs(args: readonly unknown[]): void {
    this.guard('args', () => this.writeArray(args, 0), args);
  }

  private guard(root: string, write: () => void, value: unknown): void {
    try {
      write();
    } catch (error) {
      if (!(error instanceof UnencodableArgument)) throw error;
      if (error.tooDeep) {
        // Only now look for a cycle: tracking ancestors on every call would cost each container a scan.
        const cycle = findCyclePath(value, root);
        if (cycle !== undefined) {
          throw new KeyGenerationError(
            `Cannot build a cache key: ${cycle} is a reference to one of its own ancestors (a cycle).`,
            cycle,
            describeType(value),
          );
        }
      }
      const segments = error.segments.reverse();
      const path = root + (segments.length > 12 ? `${segments.slice(0, 6).join('')}…${segments.slice(-6).join('')}` : segments.join(''));
      throw new KeyGenerationError(
        `Cannot build a cache key: ${path} is ${error.reason} (${error.valueType}).`,
        path,
        error.valueType,
      );
    }
  }

  private write(value: unknown, depth: number): void {
    const w = this.writer;
    switch (typeof value) {
      case 'string':
        if (w.str(value) === LONE_SURROGATE) {
          throw new UnencodableArgument('a string with a lone surrogate, which has no UTF-8 form', 'string');
        }
        return;
      case 'number':
        this.writeNumber(value);
        return;
      case 'boolean':
        w.bool(value);
        return;
      case 'undefined':
        w.nil();
        return;
      case 'bigint':
        if (!w.bigint(value)) {
          throw new UnencodableArgument('an integer outside [-2^63, 2^64 - 1], the MessagePack range', 'bigint');
        }
        return;
      case 'object':
        if (value === null) w.nil();
        else this.writeObject(value, depth);
        return;
      default:
        throw new UnencodableArgument(
          `a ${typeof value}, which has no stable value to hash; pass plain data or use the \`key\` option`,
          typeof value,
        );
    }
  }

  private writeNumber(value: number): void {
    const w = this.writer;
    if (Number.isInteger(value)) {
      if (Number.isSafeInteger(value)) {
        w.int(value); // -0 is written as 0
        return;
      }
      throw new UnencodableArgument(
        `the number ${value}, an integer beyond 2^53 that a double cannot hold exactly; pass a BigInt for an integer or float64(x) for a float`,
        'number',
      );
    }
    if (this.profile === 'interop' && !Number.isFinite(value)) {
      throw new UnencodableArgument(`${value}, which interop keys do not allow`, 'number');
    }
    w.float64(value);
  }

  private writeFloat(value: number): void {
    const w = this.writer;
    if (this.profile === 'default') {
      w.float64(value === 0 ? 0 : value); // Python normalises -0.0 to 0.0
      return;
    }
    if (!Number.isFinite(value)) {
      throw new UnencodableArgument(`float64(${value}), which interop keys do not allow`, 'Float64');
    }
    // Interop canonical numbers: an integral float inside the integer range is the integer.
    if (Number.isInteger(value) && value >= -TWO_POW_63 && value < TWO_POW_64) w.bigint(BigInt(value));
    else w.float64(value);
  }

  private writeObject(value: object, depth: number): void {
    if (depth >= MAX_KEY_DEPTH) {
      throw new UnencodableArgument(`nested deeper than ${MAX_KEY_DEPTH} levels`, describeType(value), true);
    }
    if (Array.isArray(value)) {
      this.writeArray(value, depth + 1);
      return;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if ((proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
      this.writePlainObject(value as Record<string, unknown>, depth + 1);
      return;
    }
    if (value instanceof Uint8Array) {
      this.writer.bin(value);
    } else if (value instanceof Date) {
      this.writeDate(value);
    } else if (value instanceof Map) {
      this.writeMap(value, depth + 1);
    } else if (value instanceof Set) {
      this.writeSet(value, depth + 1);
    } else if (value instanceof Float64) {
      this.writeFloat(value.value);
    } else if (value instanceof IsoDateTime) {
      this.writeIsoDateTime(value);
    } else if (value instanceof Uuid) {
      this.writer.str(value.value);
    } else if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      const json: unknown = (value as { toJSON(): unknown }).toJSON();
      if (json === value) throw new UnencodableArgument('an object whose toJSON() returns itself', describeType(value));
      this.write(json, depth + 1);
    } else {
      throw new UnencodableArgument(
        ArrayBuffer.isView(value) || value instanceof ArrayBuffer
          ? 'binary data other than a Buffer/Uint8Array; pass a Uint8Array view of it'
          : 'an object that is neither plain data nor has a toJSON(); give it a toJSON() or use the `key` option',
        describeType(value),
      );
    }
  }

  private writeArray(values: readonly unknown[], depth: number): void {
    const length = values.length;
    this.writer.arrayHeader(length);
    let i = 0;
    try {
      for (; i < length; i++) this.write(values[i], depth);
    } catch (error) {
      if (error instanceof UnencodableArgument) error.segments.push(`[${i}]`);
      throw error;
    }
  }

  private writePlainObject(value: Readonly<Record<string, unknown>>, depth: number): void {
    const keys = Object.keys(value);
    if (keys.length > 1) sortByCodePoint(keys);
    this.writer.mapHeader(keys.length);
    let key = '';
    try {
      for (key of keys) {
        this.writeKey(key);
        this.write(value[key], depth);
      }
    } catch (error) {
      if (error instanceof UnencodableArgument) error.segments.push(propertySegment(key));
      throw error;
    }
  }

  private writeMap(map: ReadonlyMap<unknown, unknown>, depth: number): void {
    const keys: string[] = [];
    for (const key of map.keys()) {
      if (typeof key !== 'string') {
        const error = new UnencodableArgument('a Map with a non-string key; only string keys have a canonical order', describeType(key));
        error.segments.push('<Map key>');
        throw error;
      }
      keys.push(key);
    }
    sortByCodePoint(keys);
    this.writer.mapHeader(keys.length);
    let key = '';
    try {
      for (key of keys) {
        this.writeKey(key);
        this.write(map.get(key), depth);
      }
    } catch (error) {
      if (error instanceof UnencodableArgument) error.segments.push(`.get(${JSON.stringify(key)})`);
      throw error;
    }
  }

  /** Elements are encoded on their own, sorted by their bytes and de-duplicated. */
  private writeSet(set: ReadonlySet<unknown>, depth: number): void {
    const outer = this.writer;
    const encoded: Buffer[] = [];
    let index = 0;
    try {
      const element = new CanonicalArgsEncoder(new MsgpackWriter(64), this.profile);
      for (const item of set) {
        element.writer.reset();
        element.write(item, depth);
        encoded.push(element.writer.copy());
        index++;
      }
    } catch (error) {
      if (error instanceof UnencodableArgument) error.segments.push(`<Set element ${index}>`);
      throw error;
    }
    encoded.sort(Buffer.compare);
    const unique = encoded.filter((bytes, i) => i === 0 || !bytes.equals(encoded[i - 1]!));
    outer.arrayHeader(unique.length);
    for (const bytes of unique) outer.raw(bytes);
  }

  private writeKey(key: string): void {
    if (this.writer.str(key) === LONE_SURROGATE) {
      const error = new UnencodableArgument('a key with a lone surrogate, which has no UTF-8 form', 'string');
      error.segments.push(`<key ${JSON.stringify(key)}>`);
      throw error;
    }
  }

  private writeDate(date: Date): void {
    const ms = date.getTime();
    if (Number.isNaN(ms)) throw new UnencodableArgument('an invalid Date', 'Date');
    if (this.profile === 'interop') {
      // Epoch seconds: ms / 1000 is one correctly rounded division, as Python's micros / 10**6.
      if (ms % 1000 === 0) this.writer.int(ms / 1000);
      else this.writer.float64(ms / 1000);
      return;
    }
    const text = pythonIsoformatOfDate(date);
    if (text === undefined) throw new UnencodableArgument('a Date outside the years 1–9999', 'Date');
    this.writer.str(text);
  }

  private writeIsoDateTime(value: IsoDateTime): void {
    const micros = value.epochMicroseconds;
    if (micros === undefined) {
      throw new UnencodableArgument(`a naive date-time (${value.text}) with no UTC offset; add one`, 'IsoDateTime');
    }
    if (this.profile === 'default') {
      this.writer.str(value.toPythonIsoformat());
      return;
    }
    if (micros % 1_000_000n === 0n) {
      this.writer.bigint(micros / 1_000_000n);
      return;
    }
    if (micros > MAX_EXACT_MICROS || micros < -MAX_EXACT_MICROS) {
      throw new UnencodableArgument(
        `a date-time too far from 1970 (${value.text}) for an exact epoch-seconds float`,
        'IsoDateTime',
      );
    }
    this.writer.float64(Number(micros) / 1_000_000);
  }
}
