/**
 * The leaves the decoder reads from MessagePack exts: the timestamp ext (-1) of every profile,
 * and the `auto` profile's own tags (`auto-tags.ts`) — `undefined`, Dates, BigInts as decimal
 * text (refused past MAX_BIGINT_DIGITS before parsing, which is superlinear), ArrayBuffers and
 * typed arrays rebuilt on fresh, aligned buffers.
 */
import { AUTO_EXT, BIG_ENDIAN_HOST, VIEW_KINDS, swapElementBytes } from './auto-tags';
import { MAX_BIGINT_DIGITS } from './decode-cost';
import { Undecodable } from './undecodable';

const MINUS_SIGN = 0x2d;

/** What {@link readAutoExt} answers for an ext type that is not one of auto's tags. */
export const NOT_AUTO = Symbol('not an auto ext');

/** The value of an auto tag, or {@link NOT_AUTO}. */
export function readAutoExt(type: number, payload: Buffer): unknown {
  switch (type) {
    case AUTO_EXT.UNDEFINED:
      return undefined;
    case AUTO_EXT.DATE:
      if (payload.length !== 8) throw new Undecodable('a Date tag with a payload that is not 8 bytes');
      return new Date(payload.readDoubleBE(0));
    case AUTO_EXT.BIGINT: {
      // Parsing decimal text is superlinear: refuse a long one before BigInt() sees it.
      const digitCount = payload.length - (payload[0] === MINUS_SIGN ? 1 : 0);
      if (digitCount > MAX_BIGINT_DIGITS) {
        throw new Undecodable(`a BigInt of ${digitCount} digits; auto reads at most ${MAX_BIGINT_DIGITS}`);
      }
      const digits = payload.toString('latin1');
      if (!/^-?(?:0|[1-9]\d*)$/.test(digits)) throw new Undecodable('a BigInt tag without a decimal integer');
      return BigInt(digits);
    }
    case AUTO_EXT.ARRAY_BUFFER:
      return new Uint8Array(payload).slice().buffer;
    case AUTO_EXT.MAP:
    case AUTO_EXT.SET:
      throw new Undecodable('a Map/Set tag outside the first slot of an array');
    default: {
      const kind = VIEW_KINDS[type - AUTO_EXT.VIEW_BASE];
      if (kind === undefined) return NOT_AUTO;
      return rebuildView(kind, payload);
    }
  }
}

type TypedArrayConstructor = Exclude<(typeof VIEW_KINDS)[number], DataViewConstructor>;

function rebuildView(kind: (typeof VIEW_KINDS)[number], payload: Buffer): ArrayBufferView {
  // A fresh, aligned buffer: typed arrays need their byte offset to be a multiple of the width.
  const copy = new Uint8Array(payload.length);
  copy.set(payload);
  if (kind === DataView) return new DataView(copy.buffer);
  const typed = kind as TypedArrayConstructor;
  const width = typed.BYTES_PER_ELEMENT;
  if (copy.length % width !== 0) throw new Undecodable(`a ${typed.name} payload of ${copy.length} bytes`);
  if (BIG_ENDIAN_HOST) swapElementBytes(copy, width);
  return new typed(copy.buffer);
}

/** The Date of a MessagePack timestamp ext (4, 8 or 12 bytes). */
export function timestampToDate(payload: Buffer): Date {
  let seconds: number;
  let nanos = 0;
  if (payload.length === 4) {
    seconds = payload.readUInt32BE(0);
  } else if (payload.length === 8) {
    const high = payload.readUInt32BE(0);
    nanos = high >>> 2;
    seconds = (high & 0x3) * 0x100000000 + payload.readUInt32BE(4);
  } else if (payload.length === 12) {
    nanos = payload.readUInt32BE(0);
    seconds = Number(payload.readBigInt64BE(4));
  } else {
    throw new Undecodable(`a timestamp ext of ${payload.length} bytes`);
  }
  return new Date(seconds * 1000 + Math.floor(nanos / 1e6));
}
