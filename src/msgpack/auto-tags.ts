/**
 * How the `auto` serializer writes the JS types plain MessagePack has no word for. Everything
 * stays ordinary MessagePack structure, so the decode-bounds pre-scan covers it unchanged:
 *
 * | JS value              | bytes                                                      |
 * | :-------------------- | :--------------------------------------------------------- |
 * | `undefined`           | fixext1 type `UNDEFINED`, payload `00`                     |
 * | `Date`                | fixext8 type `DATE`, payload float64 BE milliseconds (NaN = invalid) |
 * | `BigInt`              | ext type `BIGINT`, payload ASCII decimal (`-123`)           |
 * | `Map`                 | array `[tag MAP, k1, v1, k2, v2, …]`                        |
 * | `Set`                 | array `[tag SET, e1, e2, …]`                                |
 * | typed array, DataView | ext type `VIEW_BASE + kind`, payload the bytes, little-endian |
 * | `ArrayBuffer`         | ext type `ARRAY_BUFFER`, payload the bytes                  |
 *
 * A "tag" is fixext1 of the tag's type with payload `00` (3 bytes: `d4 TT 00`). A reader
 * recognises a tagged array by its first three bytes. Type codes are in MessagePack's
 * application range (0–127) and are part of the stored format: never renumber them.
 */

export const AUTO_EXT = {
  UNDEFINED: 0x01,
  DATE: 0x02,
  BIGINT: 0x03,
  MAP: 0x04,
  SET: 0x05,
  ARRAY_BUFFER: 0x06,
  VIEW_BASE: 0x10,
} as const;

/** Typed-array kinds, by their index after `VIEW_BASE`. */
export const VIEW_KINDS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  DataView,
] as const;

/** Constructor of any typed array kind or DataView. */
export type ViewConstructor = (typeof VIEW_KINDS)[number];

/** True when this process stores typed arrays big-endian (then bytes are swapped to LE). */
export const BIG_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;

/** Reverses each `width`-byte element of `bytes` in place (for big-endian hosts only). */
export function swapElementBytes(bytes: Uint8Array, width: number): void {
  if (width <= 1) return;
  for (let i = 0; i + width <= bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}
