/**
 * Tagged JSON: the one description of an argument or value that both the Node tests and the
 * Python scripts (`scripts/python-interop/interop_common.py`) understand. Plain JSON cannot say
 * "this 2 is a float", "these are bytes" or "this is a datetime", so those are one-key objects:
 * `{ $float: '2.0' }`, `{ $int: '18446744073709551615' }`, `{ $bytes: hex }`,
 * `{ $datetime: iso }`, `{ $date: 'YYYY-MM-DD' }`, `{ $uuid }`, `{ $set: [...] }`.
 *
 * From one tagged description this file derives what Node passes in (`toNodeInput`), what
 * Node's interop reader must hand back (`toNodeReadView`), and a normal form for comparing
 * with what Python reports (`normaliseTagged`).
 */
import { CalendarDate, TimeOfDay, float64, isoDateTime, uuid } from '../../src/msgpack/tagged-values';

/** A tagged JSON value. */
export type Tagged = null | boolean | number | string | Tagged[] | { readonly [key: string]: Tagged };

/** Builders, so case tables read as what they mean. */
export const tag = {
  float: (text: string): Tagged => ({ $float: text }),
  int: (text: string): Tagged => ({ $int: text }),
  bytes: (hex: string): Tagged => ({ $bytes: hex }),
  datetime: (iso: string): Tagged => ({ $datetime: iso }),
  date: (iso: string): Tagged => ({ $date: iso }),
  time: (iso: string): Tagged => ({ $time: iso }),
  uuid: (text: string): Tagged => ({ $uuid: text }),
  set: (...items: Tagged[]): Tagged => ({ $set: items }),
};

type TagName = '$float' | '$int' | '$bytes' | '$datetime' | '$date' | '$time' | '$uuid' | '$set';
const TAGS: ReadonlySet<string> = new Set(['$float', '$int', '$bytes', '$datetime', '$date', '$time', '$uuid', '$set']);

function tagOf(value: Tagged): { name: TagName; body: Tagged } | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || !TAGS.has(keys[0]!)) return undefined;
  return { name: keys[0] as TagName, body: (value as Record<string, Tagged>)[keys[0]!]! };
}

/**
 * Rebuilds a description: arrays and plain objects are walked, each tagged value becomes what
 * `convert` makes of it, and every other value what `scalar` does (itself unless given).
 */
function mapTagged(
  value: Tagged,
  convert: (tagged: { name: TagName; body: Tagged }, original: Tagged) => unknown,
  scalar: (plain: Tagged) => unknown = (plain) => plain,
): unknown {
  const walk = (item: Tagged): unknown => {
    if (Array.isArray(item)) return item.map(walk);
    if (item === null || typeof item !== 'object') return scalar(item);
    const tagged = tagOf(item);
    if (tagged === undefined) return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, walk(v)]));
    return convert(tagged, item);
  };
  return walk(value);
}

/** `n` as a number when a number holds it exactly (within ±(2^53 - 1)). */
function exactNumber(n: bigint): number | undefined {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : undefined;
}

/** A millisecond-exact ISO text can be a JS Date; finer ones need `isoDateTime()`. */
function isMillisecondExact(iso: string): boolean {
  const fraction = /T\d{2}:\d{2}(?::\d{2}(?:\.(\d+))?)?/.exec(iso)?.[1];
  return fraction === undefined || /^\d{1,3}0*$/.test(fraction);
}

/**
 * What a Node caller passes for this description (as an argument or a value): floats as
 * `float64()`, big integers as BigInt, bytes as Buffer, date-times as Date (or `isoDateTime()`
 * below a millisecond), dates and times as the codec's CalendarDate / TimeOfDay, UUIDs as
 * `uuid()`, sets as Set.
 */
export function toNodeInput(value: Tagged): unknown {
  return mapTagged(value, (tagged) => {
    const body = tagged.body as string;
    switch (tagged.name) {
      case '$float':
        return float64(Number(body));
      case '$int':
        return BigInt(body);
      case '$bytes':
        return Buffer.from(body, 'hex');
      case '$datetime':
        return isMillisecondExact(body) ? new Date(Number(isoDateTime(body).epochMicroseconds! / 1000n)) : isoDateTime(body);
      case '$date':
        return new CalendarDate(body);
      case '$time':
        return new TimeOfDay(body);
      case '$uuid':
        return uuid(body);
      case '$set':
        return new Set((tagged.body as Tagged[]).map(toNodeInput));
    }
  });
}

/**
 * What Node's interop reader returns for a value so described: numbers (BigInt beyond 2^53),
 * Buffers, Dates for `__datetime__` (to the millisecond). Date and time sentinels stay plain
 * maps: the interop reader revives `__datetime__` only, as cachekit-ts does.
 */
export function toNodeReadView(value: Tagged): unknown {
  return mapTagged(value, (tagged) => {
    const body = tagged.body as string;
    switch (tagged.name) {
      case '$float':
        return Number(body);
      case '$int': {
        const n = BigInt(body);
        return exactNumber(n) ?? n;
      }
      case '$bytes':
        return Buffer.from(body, 'hex');
      case '$datetime': {
        const micros = isoDateTime(body).epochMicroseconds!;
        return new Date(Number(micros / 1000n - (micros % 1000n < 0n ? 1n : 0n)));
      }
      case '$date':
        return { __date__: true, value: body };
      case '$time':
        return { __time__: true, value: body };
      case '$uuid':
        return uuid(body).value;
      case '$set':
        throw new Error('a set is not an interop value');
    }
  });
}

/**
 * A normal form for comparing descriptions: floats and big integers by numeric value, integers
 * in the exact JSON range as plain numbers, date-times by their instant (epoch microseconds),
 * everything else as written. Non-integral plain numbers count as floats, as in Python.
 */
export function normaliseTagged(value: Tagged): unknown {
  const scalar = (plain: Tagged) => (typeof plain === 'number' && !Number.isInteger(plain) ? { $float: plain } : plain);
  return mapTagged(value, (tagged, original) => {
    const body = tagged.body as string;
    switch (tagged.name) {
      case '$float':
        return { $float: Number(body) };
      case '$int': {
        const n = BigInt(body);
        return exactNumber(n) ?? { $int: n.toString() };
      }
      case '$datetime':
        return { $datetime: isoDateTime(body).epochMicroseconds!.toString() };
      default:
        return original;
    }
  }, scalar);
}
