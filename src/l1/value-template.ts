/**
 * How the default ('bytes') L1 mode hands every hit a fresh value cheaply. The L1 keeps the
 * value *as decoded from its serialized bytes* (so it has exactly the types an L2 hit would
 * have) and each hit gets a structural copy of it. Copying reuses the immutable parts
 * (strings, numbers) and only allocates containers, which is about ten times cheaper than
 * decoding MessagePack again. Values holding anything the copier does not know (class
 * instances, Arrow tables, ...) are kept as bytes and decoded per hit instead.
 */

import { VIEW_KINDS } from '../msgpack/auto-tags';
import { COMPILE_LATER, type Copier, compiledCopierFor } from './compiled-copy';

/**
 * Copies of one template before it asks for a copier compiled for its shape: compiling pays
 * for itself only on a value that is read again and again (see `compiled-copy.ts`).
 */
export const COPIES_BEFORE_COMPILING = 8;

/** Copies before a template refused a compile (too many new shapes this second) asks again. */
const COPIES_BEFORE_ASKING_AGAIN = 64;

/**
 * Serialized bytes kept in L1 until the entry's first hit, which decodes them once into its
 * template (or keeps the bytes, for values the copier does not know). A miss then costs no
 * decode at all: many entries are written and never read again before they expire.
 */
export class L1Pending {
  constructor(
    /** The serializer's bytes of the value; never changed. */
    readonly bytes: Buffer,
  ) {}
}

/** A decoded value kept in L1 as the template of every hit's copy. */
export class L1Template {
  /** The copier compiled for this template's shape, once asked for (generic when there is none). */
  private copier: Copier | undefined = undefined;
  private copies = 0;

  constructor(
    /** The decoded value; never handed out directly. */
    readonly value: unknown,
  ) {}

  /** A deep copy of the value, for a hit or a joiner of a flight. */
  copy(): unknown {
    const copier = this.copier;
    if (copier !== undefined) return copier(this.value);
    if (++this.copies === COPIES_BEFORE_COMPILING) {
      const compiled = compiledCopierFor(this.value, copyTemplate);
      if (compiled === COMPILE_LATER) this.copies = COPIES_BEFORE_COMPILING - COPIES_BEFORE_ASKING_AGAIN;
      else this.copier = compiled ?? copyTemplate;
    }
    return copyTemplate(this.value);
  }
}

/**
 * A deep-frozen decoded value, handed out as is on every hit (`l1.mode: 'frozen'`): no copy, and
 * a caller that tries to change it gets a TypeError instead of changing what others get.
 */
export class L1Frozen {
  constructor(
    /** The frozen value; handed out directly. */
    readonly value: unknown,
  ) {}
}

const OBJECT_PROTOTYPE = Object.prototype;
const hasOwn = Object.hasOwn;

function copyTypedArray(view: ArrayBufferView): ArrayBufferView {
  if (Buffer.isBuffer(view)) return Buffer.from(view);
  const Ctor = view.constructor as new (source: ArrayBufferView) => ArrayBufferView;
  return new Ctor(view);
}

/** A deep copy of a template value (see `footprintOf` for what it supports). */
export function copyTemplate(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  // Arrays and plain objects are cloned whole (`slice`, spread: one native copy keeping the
  // template's shape, about twice as fast as building them element by element), then only
  // their nested containers are replaced by copies.
  if (Array.isArray(value)) {
    const out: unknown[] = value.slice();
    for (let i = 0; i < out.length; i++) {
      const item = out[i];
      if (typeof item === 'object' && item !== null) out[i] = copyTemplate(item);
    }
    return out;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === OBJECT_PROTOTYPE) {
    // Spread defines own data properties, so a decoded "__proto__" key stays an own key.
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const key in out) {
      const item = out[key];
      // `hasOwn`: an enumerable property someone added to Object.prototype is not copied in.
      if (typeof item === 'object' && item !== null && hasOwn(out, key)) out[key] = copyTemplate(item);
    }
    return out;
  }
  if (prototype === null) {
    const out: Record<string, unknown> = Object.create(null);
    const source = value as Record<string, unknown>;
    for (const key of Object.keys(source)) out[key] = copyTemplate(source[key]);
    return out;
  }
  if (value instanceof Date) return new Date(value.getTime());
  if (ArrayBuffer.isView(value)) return copyTypedArray(value);
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const [k, v] of value) out.set(copyTemplate(k), copyTemplate(v));
    return out;
  }
  if (value instanceof Set) {
    const out = new Set<unknown>();
    for (const item of value) out.add(copyTemplate(item));
    return out;
  }
  // footprintOf() refuses everything else, so templates never contain it.
  return value;
}

/** Typed arrays `copyTemplate` recreates with their own class (subclasses and DataView are refused). */
const TYPED_ARRAY_PROTOTYPES = new Set<unknown>(VIEW_KINDS.filter((ctor) => ctor !== DataView).map((ctor) => ctor.prototype));

/** Deepest nesting a template may have (deeper values are kept as bytes). */
const MAX_TEMPLATE_DEPTH = 64;

/**
 * Approximate heap bytes of `value` if `copyTemplate` can copy it exactly, else `undefined`.
 * The estimate is what the L1 byte budget is charged, so the budget tracks memory, not
 * serialized size.
 */
export function footprintOf(value: unknown, depth = 0): number | undefined {
  switch (typeof value) {
    case 'string':
      return 16 + value.length * 2;
    case 'number':
    case 'boolean':
    case 'undefined':
      return 8;
    case 'bigint':
      return 24;
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return 8;
  if (depth >= MAX_TEMPLATE_DEPTH) return undefined;
  if (Array.isArray(value)) {
    let total = 32 + value.length * 8;
    for (const item of value) {
      const size = footprintOf(item, depth + 1);
      if (size === undefined) return undefined;
      total += size;
    }
    return total;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === OBJECT_PROTOTYPE || prototype === null) {
    const source = value as Record<string, unknown>;
    const keys = Object.keys(source);
    // Symbol keys, getters or non-enumerable properties would not survive the copy.
    if (Object.getOwnPropertySymbols(source).length > 0 || Object.getOwnPropertyNames(source).length !== keys.length) return undefined;
    let total = 32 + keys.length * 16;
    for (const key of keys) {
      const descriptor = Object.getOwnPropertyDescriptor(source, key);
      if (descriptor === undefined || !('value' in descriptor)) return undefined;
      const size = footprintOf(descriptor.value, depth + 1);
      if (size === undefined) return undefined;
      total += size + key.length;
    }
    return total;
  }
  if (value instanceof Date) return 48;
  if (ArrayBuffer.isView(value)) {
    const prototype = Object.getPrototypeOf(value);
    const copyable = Buffer.isBuffer(value) || TYPED_ARRAY_PROTOTYPES.has(prototype);
    return copyable ? 96 + value.byteLength : undefined;
  }
  if (value instanceof Map || value instanceof Set) {
    if (Object.getPrototypeOf(value) !== (value instanceof Map ? Map.prototype : Set.prototype)) return undefined;
    let total = 64;
    for (const item of value instanceof Map ? [...value.keys(), ...value.values()] : value) {
      const size = footprintOf(item, depth + 1);
      if (size === undefined) return undefined;
      total += size + 24;
    }
    return total;
  }
  return undefined;
}

/**
 * Deep-freezes `value` when every container in it is a plain object or an array (what
 * `Object.freeze` makes immutable); false, with nothing promised about what was frozen so far,
 * when it holds anything else — a Map, Set, Date or typed array stays mutable under
 * `Object.freeze`, so such values are copied per hit instead.
 */
export function freezeDeep(value: unknown, depth = 0): boolean {
  if (typeof value !== 'object' || value === null) return typeof value !== 'function' && typeof value !== 'symbol';
  if (depth >= MAX_TEMPLATE_DEPTH) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && prototype !== OBJECT_PROTOTYPE && prototype !== null) return false;
  for (const item of Object.values(value as Record<string, unknown>)) if (!freezeDeep(item, depth + 1)) return false;
  Object.freeze(value);
  return true;
}
