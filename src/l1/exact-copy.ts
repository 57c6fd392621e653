/**
 * The miss of a memory-only cache (no L2, no encryption) needs no bytes: the L1 needs a value
 * that will never change, with exactly the types a hit would get from the serializer. For the
 * `standard` serializer the decoded value of plain data (plain objects, arrays, well-formed
 * strings, numbers, booleans, null) *is* that data, so a structural copy taken at the miss is
 * the template the first hit would have decoded, for a fraction of what serializing costs (a flat
 * 1 KB record: about 0.9 µs against 2.8 µs), and the first hit copies instead of decoding
 * (see BENCHMARKS.md, "Miss, memory only", for what the collector takes back).
 *
 * Anything whose round trip would change it makes the copy give up (the caller then serializes
 * as before): `undefined` (read back as null), BigInts (read back as numbers), Dates, Maps,
 * binary data and class instances (other types, or refused), objects without
 * `Object.prototype`, the keys the decoder treats specially (`__proto__` and the date sentinels
 * `__datetime__`, `__date__`, `__time__`), a `toJSON` inherited from `Object.prototype`, lone
 * surrogates (refused), array holes and Array subclasses, nesting deeper than templates go, and
 * values large enough that the serializer's size and decode-budget checks might refuse them.
 */
import { isWellFormedString } from '../msgpack/text';

/** Deepest nesting copied (deeper values are serialized, as templates stop at this depth too). */
const MAX_DEPTH = 64;

/**
 * Most containers (objects, arrays) a kept copy may have. Every container of a copy is an object
 * the garbage collector moves twice and later has to find dead in old space; bytes are one
 * object. Measured over 100,000 misses, each build in a process of its own (median CPU time per
 * miss): a flat 1 KB record (5 containers) kept as a copy cost 0.96× serializing it, a nested
 * one (34) 1.15×. Values with more are serialized, as before (the copy stops at the limit).
 */
const MAX_CONTAINERS = 8;

/**
 * Largest value copied, as an upper bound of its MessagePack length. Within it and
 * `MAX_CONTAINERS`, the decode budget cannot refuse the value: at most 13 bytes of heap per
 * byte and 192 per container stays under 4 MiB, the budget's floor. Larger values are
 * serialized, where the exact checks run.
 */
const MAX_BOUND_BYTES = 256 * 1024;

const OBJECT_PROTOTYPE = Object.prototype;
const ARRAY_PROTOTYPE = Array.prototype;
/** `_`: the first character of every key the decoder treats specially. */
const UNDERSCORE = 0x5f;

/** What the copy found: the copy itself, and the L1 budget it is charged (as `footprintOf` estimates). */
export interface ExactCopy {
  readonly value: unknown;
  readonly bytes: number;
}

/**
 * Totals of the copy under way, in one module-level object so the walk passes nothing but the
 * value. A copy runs synchronously and nothing it calls can start another (`busy` refuses one).
 */
const walk = {
  busy: false,
  freezing: false,
  containers: 0,
  arraySlots: 0,
  objectKeys: 0,
  keyChars: 0,
  strings: 0,
  stringChars: 0,
  scalars: 0,
};

function isSpecialKey(key: string): boolean {
  return key === '__proto__' || key === '__datetime__' || key === '__date__' || key === '__time__';
}

/** Whether a string item is kept as is (well-formed, not so long it could pass the bound). */
function keepsString(text: string): boolean {
  if (text.length > MAX_BOUND_BYTES || !isWellFormedString(text)) return false;
  walk.strings++;
  walk.stringChars += text.length;
  return true;
}

/** Whether a non-container item is kept as is; counts it. */
function keepsScalar(item: unknown): boolean {
  const type = typeof item;
  if (type === 'string') return keepsString(item as string);
  if (type === 'number' || type === 'boolean' || item === null) {
    walk.scalars++;
    return true;
  }
  return false;
}

/** A copy of an array or plain object, or undefined when its round trip would change it. */
function copyContainer(value: object, depth: number): object | undefined {
  if (depth > MAX_DEPTH || ++walk.containers > MAX_CONTAINERS) return undefined;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === ARRAY_PROTOTYPE) {
    const out: unknown[] = (value as readonly unknown[]).slice();
    const length = out.length;
    walk.arraySlots += length;
    if (walk.arraySlots > MAX_BOUND_BYTES) return undefined;
    // The items are read already (by `slice`): check the scalars and count the containers
    // first, so that an array of records gives up before copying any (the nested 1 KB record:
    // 0.7× the time it took to give up after copying its first ones).
    let containers = walk.containers;
    for (let i = 0; i < length; i++) {
      const item = out[i];
      if (typeof item === 'object' && item !== null) {
        if (++containers > MAX_CONTAINERS) return undefined;
      } else if (!keepsScalar(item)) return undefined;
    }
    if (containers > walk.containers) {
      for (let i = 0; i < length; i++) {
        const item = out[i];
        if (typeof item !== 'object' || item === null) continue;
        const copy = copyContainer(item, depth + 1);
        if (copy === undefined) return undefined;
        out[i] = copy;
      }
    }
    if (walk.freezing) Object.freeze(out);
    return out;
  }
  if (prototype !== OBJECT_PROTOTYPE) return undefined;
  const source = value as Readonly<Record<string, unknown>>;
  // Built key by key (what the serializer writes, and what the decoder builds): symbol keys and
  // non-enumerable properties are left out on both sides, and a getter is read once, as the
  // serializer would. for-in sees own keys only: Object.prototype has no enumerable ones (checked).
  const out: Record<string, unknown> = {};
  for (const key in source) {
    if ((key.charCodeAt(0) === UNDERSCORE && isSpecialKey(key)) || !isWellFormedString(key)) return undefined;
    walk.objectKeys++;
    walk.keyChars += key.length;
    const item = source[key];
    if (typeof item === 'object' && item !== null) {
      const copy = copyContainer(item, depth + 1);
      if (copy === undefined) return undefined;
      out[key] = copy;
    } else if (keepsScalar(item)) out[key] = item;
    else return undefined;
  }
  if (walk.freezing) Object.freeze(out);
  return out;
}

/** Whether Object.prototype has an enumerable property (for-in would list it) or a toJSON (the serializer would call it). */
function prototypeIsTouched(): boolean {
  if (typeof (OBJECT_PROTOTYPE as { toJSON?: unknown }).toJSON === 'function') return true;
  for (const _ in OBJECT_PROTOTYPE) return true;
  return false;
}

/**
 * A copy of `value` that is exactly what the `standard` serializer would read back from its
 * bytes, with its estimated heap size; undefined when the round trip would change the value or
 * might refuse it, or when its bytes might pass `maxValueBytes` (see the file comment).
 * `freeze`: the copy is deep-frozen (`l1.mode: 'frozen'`).
 */
export function exactStandardCopy(value: unknown, freeze: boolean, maxValueBytes: number): ExactCopy | undefined {
  if (walk.busy || prototypeIsTouched()) return undefined;
  walk.busy = true;
  walk.freezing = freeze;
  walk.containers = 0;
  walk.arraySlots = 0;
  walk.objectKeys = 0;
  walk.keyChars = 0;
  walk.strings = 0;
  walk.stringChars = 0;
  walk.scalars = 0;
  try {
    const copy = typeof value === 'object' && value !== null ? copyContainer(value, 1) : keepsScalar(value) ? value : undefined;
    if (copy === undefined) return undefined;
    // Upper bound of the MessagePack length: headers of 5 bytes, scalars of 9, 3 bytes per UTF-16 unit.
    const bound = 5 * (walk.containers + walk.strings + walk.objectKeys) + 9 * walk.scalars + 3 * (walk.stringChars + walk.keyChars);
    if (bound > MAX_BOUND_BYTES || bound > maxValueBytes) return undefined;
    // The formula of `footprintOf`, from the totals.
    const bytes = 32 * walk.containers + 8 * walk.arraySlots + 16 * walk.objectKeys + walk.keyChars + 16 * walk.strings + 2 * walk.stringChars + 8 * walk.scalars;
    return { value: copy, bytes };
  } finally {
    walk.busy = false;
  }
}
