/**
 * The decode-bounds pre-scan every untrusted MessagePack document passes before anything is
 * materialised (protocol `decode-bounds`): one walk over the headers, no allocation, that
 * refuses
 *
 * - nesting deeper than the depth bound (maps and arrays count one level each);
 * - over-claiming: the element/byte counts declared by all headers, summed over the whole
 *   document (a map pair counts two), must not exceed `input length − 1`, so no decoder can be
 *   talked into allocating more than the input backs;
 * - incomplete documents (the root item ends after the input does);
 * - trailing bytes after the one document, and the never-used marker 0xc1;
 * - and, cachekit's own rule, documents whose decoded heap would exceed their decode budget
 *   (`decode-cost.ts`): the same walk adds up each header's estimated cost.
 *
 * Counts are at most 2^33 per header and the running sum is checked after every add, so plain
 * doubles hold every value exactly.
 *
 * Not a second copy of `crates/cachekit-core/src/msgpack_bounds.rs`: that one scans the
 * envelope (five headers, inside the native retrieve), this one the payload the serializer
 * decodes, with the decode budget on top. Measured on this 2-core machine (Node 20, loaded):
 * the scan is 112 ns of a 1.26 µs decode of a 110-byte record and 10.9 µs of 94 µs for 50
 * records (9–12 %); a native scan would add a crossing per decode, which costs more than the
 * whole scan of a small record, and a Rust port of the budget model. So each stays where its
 * document is read.
 */
import { IntegrityError } from '../errors';
import type { ErrorCode } from '../error-codes';
import { DECODE_COST, type ExtensionCost, decodeBudget, standardExtensionCost } from './decode-cost';

/** Deepest nesting any reader accepts; the protocol requires a bound in [32, 1024]. */
export const MAX_DECODE_DEPTH = 1024;

/** Error codes of a refused document (on `IntegrityError#code`). */
export const DECODE_BOUNDS_ERROR = 'ERR_DECODE_BOUNDS' satisfies ErrorCode;

/** Why the pre-scan refused a document. */
export type BoundsViolation = 'depth' | 'overclaim' | 'incomplete' | 'trailing' | 'invalid' | 'budget';

/** An `IntegrityError` from the pre-scan; `violation` says which rule the document broke. */
export class DecodeBoundsError extends IntegrityError {
  constructor(
    readonly violation: BoundsViolation,
    detail: string,
  ) {
    super(`MessagePack document refused before decoding (${violation}): ${detail}`, { code: DECODE_BOUNDS_ERROR });
  }
}

// The costs as module constants: the walk reads them per header, and a property read through
// an imported binding is not free (it measured 3-4x slower from source under tsx).
const {
  object: OBJECT_COST,
  entry: ENTRY_COST,
  emptyArray: EMPTY_ARRAY_COST,
  array: ARRAY_COST,
  slot: SLOT_COST,
  string: STRING_COST,
  binary: BINARY_COST,
} = DECODE_COST;

// Pending element counts per open collection; reused (the scan is synchronous, never re-entered).
// A count is pushed only after the running sum passed the budget check, so it is below the
// input length (at most 512 MiB in practice) and fits an Int32.
const pending = new Int32Array(MAX_DECODE_DEPTH + 2);

/**
 * Checks `bytes[start, end)` holds exactly one MessagePack document within the bounds above and
 * its decode budget, and returns its estimated decoded heap in bytes; throws `DecodeBoundsError`
 * otherwise. `extensionCost` prices exts as the decoding profile builds them.
 */
export function checkDecodeBounds(
  bytes: Uint8Array,
  start = 0,
  end = bytes.length,
  depthLimit = MAX_DECODE_DEPTH,
  extensionCost: ExtensionCost = standardExtensionCost,
): number {
  const maxDepth = Math.min(depthLimit, MAX_DECODE_DEPTH);
  const budget = end - start - 1;
  let slots = 0;
  let cost = 0;
  let p = start;
  // `owed` is what the innermost open collection still owes; outer levels wait in `pending`.
  // The root owes one item. `top` is the depth of the innermost open collection.
  let top = 0;
  let owed = 1;

  while (true) {
    if (owed === 0) {
      if (top === 0) break;
      owed = pending[--top]!;
      continue;
    }
    owed--;
    if (p >= end) throw new DecodeBoundsError('incomplete', `the document ends at byte ${p - start} with items still owed`);
    const marker = bytes[p]!;
    let count = -1; // elements of a collection header (pairs already doubled), or -1
    let skip = 0; // payload bytes after the header

    if (marker < 0x80 || marker >= 0xe0) {
      p += 1; // fixint
    } else if (marker < 0x90) {
      count = (marker & 0x0f) * 2;
      cost += mapCost(count);
      p += 1;
    } else if (marker < 0xa0) {
      count = marker & 0x0f;
      cost += arrayCost(count);
      p += 1;
    } else if (marker < 0xc0) {
      skip = marker & 0x1f;
      cost += stringCost(skip);
      p += 1;
    } else {
      const remaining = end - p;
      switch (marker) {
        case 0xc0:
        case 0xc2:
        case 0xc3:
          p += 1;
          break;
        // str8/16/32 and bin8/16/32: a 1-, 2- or 4-byte length, then that many bytes.
        case 0xc4:
        case 0xc5:
        case 0xc6:
        case 0xd9:
        case 0xda:
        case 0xdb: {
          const isString = marker >= 0xd9;
          const width = 1 << (marker - (isString ? 0xd9 : 0xc4));
          if (remaining < width + 1) throw truncated(p - start);
          skip = readLength(bytes, p + 1, width);
          cost += isString ? stringCost(skip) : BINARY_COST + skip;
          p += width + 1;
          break;
        }
        // ext8/16/32: a 1-, 2- or 4-byte length, the type byte, then that many bytes.
        case 0xc7:
        case 0xc8:
        case 0xc9: {
          const width = 1 << (marker - 0xc7);
          if (remaining < width + 2) throw truncated(p - start);
          skip = readLength(bytes, p + 1, width);
          cost += extensionCost(bytes[p + 1 + width]!, skip);
          p += width + 2;
          break;
        }
        case 0xca:
          p += 5;
          break;
        case 0xcb:
          p += 9;
          break;
        case 0xcc:
        case 0xd0:
          p += 2;
          break;
        case 0xcd:
        case 0xd1:
          p += 3;
          break;
        case 0xce:
        case 0xd2:
          p += 5;
          break;
        case 0xcf:
        case 0xd3:
          p += 9;
          break;
        // fixext 1/2/4/8/16: a type byte and fixed data (a truncated one throws below).
        case 0xd4:
        case 0xd5:
        case 0xd6:
        case 0xd7:
        case 0xd8: {
          const size = 1 << (marker - 0xd4);
          cost += extensionCost(bytes[p + 1]!, size);
          p += size + 2;
          break;
        }
        case 0xdc:
          if (remaining < 3) throw truncated(p - start);
          count = (bytes[p + 1]! << 8) | bytes[p + 2]!;
          cost += arrayCost(count);
          p += 3;
          break;
        case 0xdd:
          if (remaining < 5) throw truncated(p - start);
          count = readUint32(bytes, p + 1);
          cost += arrayCost(count);
          p += 5;
          break;
        case 0xde:
          if (remaining < 3) throw truncated(p - start);
          count = ((bytes[p + 1]! << 8) | bytes[p + 2]!) * 2;
          cost += mapCost(count);
          p += 3;
          break;
        case 0xdf:
          if (remaining < 5) throw truncated(p - start);
          count = readUint32(bytes, p + 1) * 2;
          cost += mapCost(count);
          p += 5;
          break;
        default: // 0xc1, never used
          throw new DecodeBoundsError('invalid', `byte ${p - start} is 0xc1, which MessagePack never uses`);
      }
    }

    if (count >= 0) {
      slots += count;
      if (slots > budget) throw overclaim(slots, budget);
      // An empty collection still sits one level deeper than its parent.
      if (top + 1 > maxDepth) {
        throw new DecodeBoundsError('depth', `nesting deeper than ${maxDepth} levels`);
      }
      if (count > 0) {
        pending[top++] = owed;
        owed = count;
      }
    } else if (skip > 0) {
      slots += skip;
      if (slots > budget) throw overclaim(slots, budget);
      p += skip;
    }
    if (p > end) throw truncated(p - start);
  }
  if (p !== end) {
    throw new DecodeBoundsError('trailing', `${end - p} byte(s) after the end of the document`);
  }
  // Checked once at the end: the walk itself allocates nothing, and every header has been
  // priced (the sum stays exact in a double: at most ~200 per input byte).
  const allowed = decodeBudget(end - start);
  if (cost > allowed) {
    throw new DecodeBoundsError(
      'budget',
      `decoding would take about ${megabytes(cost)} of heap, more than the ${megabytes(allowed)} a ${end - start}-byte document may cost ` +
        '(its elements cost far more heap than bytes, like empty maps, arrays or binaries)',
    );
  }
  return cost;
}

/** Estimated heap of a map of `items` keys and values (pairs already doubled). */
function mapCost(items: number): number {
  return OBJECT_COST + (items / 2) * ENTRY_COST;
}

function arrayCost(count: number): number {
  return count === 0 ? EMPTY_ARRAY_COST : ARRAY_COST + count * SLOT_COST;
}

/** Empty and one-byte strings are shared singletons; longer ones are built. */
function stringCost(length: number): number {
  return length < 2 ? 0 : STRING_COST + length;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** The big-endian length of `width` (1, 2 or 4) bytes at `at`. */
function readLength(bytes: Uint8Array, at: number, width: number): number {
  if (width === 1) return bytes[at]!;
  return width === 2 ? (bytes[at]! << 8) | bytes[at + 1]! : readUint32(bytes, at);
}

function readUint32(bytes: Uint8Array, at: number): number {
  return bytes[at]! * 0x1000000 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
}

function truncated(at: number): DecodeBoundsError {
  return new DecodeBoundsError('incomplete', `an item starting near byte ${at} runs past the end of the input`);
}

function overclaim(slots: number, budget: number): DecodeBoundsError {
  return new DecodeBoundsError('overclaim', `headers declare ${slots} elements/bytes but the input can back at most ${budget}`);
}
