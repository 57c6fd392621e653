/**
 * The decode budget: what decoding a MessagePack document will cost in heap, estimated from its
 * headers before anything is built, and how much one document may cost.
 *
 * The bounds pre-scan admits one element per input byte, but elements differ: an empty map is
 * one byte of MessagePack and 64 bytes of heap, an empty bin two bytes and ~200. LZ4 packs a run
 * of `0x80` bytes 255:1, so a 19 KB stored entry decoded to 4.9 M empty objects (314 MB of heap,
 * 0.8 s of one core). The budget caps the estimate at `DECODE_COST_PER_BYTE` times the
 * document's length — never below `DECODE_BUDGET_FLOOR`, never above `MAX_DECODE_COST` — and a
 * document over it is refused before a single value is built. Reads refuse documents longer
 * than `maxValueBytes` first, so one read costs at most 32 × maxValueBytes (and 1 GiB) of heap.
 *
 * Where the ratio sits: text and numbers cost 1.3–8 heap bytes per MessagePack byte, records
 * with a few fields 6–22, small tuples (`[x, y]`) 24 and one-element arrays 32 — all accepted.
 * Refused (beyond the floor) are collections of mostly empty maps or arrays (40–64), empty or
 * tiny binaries and exts (65–100). Writers run the same check, so nothing is cached that its
 * reader would refuse.
 *
 * The costs: Node 20 on x64 (8-byte pointers). For each shape, an array of 200 000 such elements
 * was decoded (after a warm-up), and heapUsed + external retained with the value alive, after
 * two full GCs, divided by 200 000 (`benches/decode-cost.mjs` measures them again). "slot" is
 * what the containing array pays per element; the other costs are the element's own. Scalars
 * are not charged beyond their slot: a float or large integer V8 boxes costs at most 24 bytes
 * for at least 5 input bytes, under the ratio.
 */
import { AUTO_EXT, VIEW_KINDS } from './auto-tags';

/** Estimated heap bytes per decoded element; see the file comment for how they were measured. */
export const DECODE_COST = Object.freeze({
  /** Each element of an array: one pointer. Measured 8 (an array of fixints). */
  slot: 8,
  /** An empty array. Measured 32. */
  emptyArray: 32,
  /** A non-empty array: the array and its element store's header, plus a slot per element. Measured 64 for `[x]`, 72 for `[x, y]`. */
  array: 48,
  /** A plain object (four properties fit inside it). Measured 56 for `{}`. */
  object: 56,
  /** Each map entry: its value's pointer and its place in the property store. Measured 31 per key of a 200 000-key object. */
  entry: 24,
  /** A string of two bytes or more, plus one byte per byte (shorter ones are shared singletons). Measured 24 for 2–8 bytes, 48 for 30, 120 for 100. */
  string: 24,
  /** A Buffer or typed array: its object, ArrayBuffer and backing-store record, plus its bytes. Measured 184 for an empty bin, 192 for an empty `auto` Uint8Array. */
  binary: 192,
  /** A Date (the timestamp ext, `auto`'s date tag). Measured 96. */
  date: 96,
  /** An ext no profile knows: a `MsgpackExtension` and its Buffer, plus the bytes. Measured 144 for a fixext1. */
  extension: 192,
  /** An `auto` ArrayBuffer (no view object), plus its bytes. Measured 88 when empty. */
  arrayBuffer: 96,
  /** An `auto` BigInt, plus half a byte per decimal digit. Measured 32 for 23 digits. */
  bigint: 16,
  /** An `auto` Map (its entries are charged as the slots of the array that carries them). Measured 184 empty. */
  map: 184,
  /** An `auto` Set (likewise). Measured 152 empty. */
  set: 152,
});

/** Most heap bytes a document may cost per byte of its length. */
export const DECODE_COST_PER_BYTE = 32;

/** Every document may cost this much, however short: small values are never refused by the budget. */
export const DECODE_BUDGET_FLOOR = 4 * 1024 * 1024;

/** No document may cost more than this, whatever its length. */
export const MAX_DECODE_COST = 1024 * 1024 * 1024;

/**
 * Largest fixed part of an item's cost: what a map, array, binary or ext costs before its
 * elements or bytes (an empty bin, a `MsgpackExtension`).
 */
export const MAX_FIXED_COST = 192;

/**
 * Largest cost per byte of everything else: slots, map entries, strings and payload bytes. The
 * worst is a 2-byte string as a map value: half its 24-byte entry, 24 + 2 for itself, 3 bytes.
 */
export const MAX_VARIABLE_COST_PER_BYTE = 13;

/**
 * Whether a document of `length` bytes holding `fixedCostItems` maps, arrays, binaries and exts
 * could exceed its budget, from the two bounds above: a writer that counted them prices only
 * the documents for which this is true (records and text never are).
 */
export function mayExceedDecodeBudget(length: number, fixedCostItems: number): boolean {
  return MAX_VARIABLE_COST_PER_BYTE * length + MAX_FIXED_COST * fixedCostItems > decodeBudget(length);
}

/**
 * Longest `auto` BigInt, in decimal digits (sign excluded). Parsing decimal text is
 * superlinear: 0.25 ms for 10 000 digits but 9 ms for 100 000 and 130 ms for 1 000 000, so
 * this keeps any document of BigInts under ~25 ms of parsing per MB. 10 000 digits is
 * about 33 000 bits, far beyond any integer a cache should hold.
 */
export const MAX_BIGINT_DIGITS = 10_000;

/** The most heap a document of `length` bytes may cost to decode. */
export function decodeBudget(length: number): number {
  return Math.min(MAX_DECODE_COST, Math.max(DECODE_BUDGET_FLOOR, DECODE_COST_PER_BYTE * length));
}

/** Estimated heap bytes of an ext of `type` (the unsigned byte) with `length` payload bytes. */
export type ExtensionCost = (type: number, length: number) => number;

/** The MessagePack timestamp ext (-1), as the unsigned type byte. */
const TIMESTAMP_TYPE = 0xff;

/** `standard` and `interop`: the timestamp ext is a Date, any other ext a `MsgpackExtension`. */
export const standardExtensionCost: ExtensionCost = (type, length) =>
  type === TIMESTAMP_TYPE ? DECODE_COST.date : DECODE_COST.extension + length;

/** `auto`: its tags cost what they decode to; other exts as in `standard`. */
export const autoExtensionCost: ExtensionCost = (type, length) => {
  switch (type) {
    case AUTO_EXT.UNDEFINED:
      return 0;
    case AUTO_EXT.DATE:
      return DECODE_COST.date;
    case AUTO_EXT.BIGINT:
      return DECODE_COST.bigint + length / 2;
    case AUTO_EXT.MAP:
      return DECODE_COST.map;
    case AUTO_EXT.SET:
      return DECODE_COST.set;
    case AUTO_EXT.ARRAY_BUFFER:
      return DECODE_COST.arrayBuffer + length;
    default:
      if (type >= AUTO_EXT.VIEW_BASE && type < AUTO_EXT.VIEW_BASE + VIEW_KINDS.length) return DECODE_COST.binary + length;
      return standardExtensionCost(type, length);
  }
};
