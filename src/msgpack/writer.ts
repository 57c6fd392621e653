/**
 * A growable MessagePack byte writer that always emits the shortest form of every header and
 * integer (the canonical form the cachekit protocol pins). It knows bytes, not values: the
 * value encoders (`value-encoder.ts`, `../../keys/canonical-args.ts`) decide what to write.
 *
 * The buffer is reused between documents, so `view()` is only valid until the next `reset()`;
 * callers that keep the bytes call `copy()`. A document may be given a byte limit: the writer
 * throws `OutputLimitExceeded` as soon as it would pass it, so an oversized value is never
 * written out whole.
 *
 * A little over the ~350 lines files aim for: the map header reserved before its count is
 * known (`openMapHeader`) belongs with the other headers, whose room checks it shares.
 */
import { isWellFormedString, utf8Write } from './text';

const TWO_POW_32 = 2 ** 32;
const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);

/** Strings at most this many UTF-16 units are encoded by a JS loop; longer ones by `Buffer#utf8Write`. */
const INLINE_STRING_LIMIT = 48;

/** Returned by `MsgpackWriter#str` when the string is not well-formed UTF-16 (a lone surrogate). */
export const LONE_SURROGATE = -1;

/** Thrown by `MsgpackWriter` when a document would pass the limit given to `reset`. */
export class OutputLimitExceeded extends Error {
  constructor(readonly limit: number) {
    super(`the output passed its ${limit}-byte limit`);
  }
}

export class MsgpackWriter {
  buf: Buffer;
  pos = 0;
  /**
   * Maps, arrays, binaries and exts written since `reset`: the items whose decoded heap has a
   * large fixed part, which lets a writer bound the document's decode cost without a scan.
   */
  fixedCostItems = 0;
  private view64: DataView;
  private limit = Number.POSITIVE_INFINITY;
  /** Bytes that can be written before `ensure` must look: the buffer's end or the limit. */
  private room: number;

  constructor(private readonly initialSize = 1024) {
    this.buf = Buffer.allocUnsafe(initialSize);
    this.view64 = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.room = initialSize;
  }

  /** Forget the written bytes and give back a grown buffer (after a refused oversized document). */
  discard(): void {
    if (this.buf.length > this.initialSize) {
      this.buf = Buffer.allocUnsafe(this.initialSize);
      this.view64 = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    }
    this.reset();
  }

  /** Forget the written bytes (the buffer is kept); the next document may not pass `limit` bytes. */
  reset(limit = Number.POSITIVE_INFINITY): void {
    this.pos = 0;
    this.fixedCostItems = 0;
    this.limit = limit;
    this.room = Math.min(this.buf.length, limit);
  }

  /** The written bytes, sharing memory with the writer: valid until the next write or reset. */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** A copy of the written bytes that the caller owns. */
  copy(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  /** Make room for `n` more bytes (throws `OutputLimitExceeded` past the document's limit). */
  ensure(n: number): void {
    if (this.pos + n > this.room) this.grow(this.pos + n);
  }

  private grow(needed: number): void {
    if (needed > this.limit) throw new OutputLimitExceeded(this.limit);
    if (needed > this.buf.length) {
      // Doubling, but never past the limit: a limited document never holds more than it may keep.
      let size = this.buf.length * 2;
      while (size < needed) size *= 2;
      const next = Buffer.allocUnsafe(Math.max(needed, Math.min(size, this.limit)));
      this.buf.copy(next, 0, 0, this.pos);
      this.buf = next;
      this.view64 = new DataView(next.buffer, next.byteOffset, next.byteLength);
    }
    this.room = Math.min(this.buf.length, this.limit);
  }

  nil(): void {
    this.ensure(1);
    this.buf[this.pos++] = 0xc0;
  }

  bool(value: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = value ? 0xc3 : 0xc2;
  }

  /** A safe integer (`Number.isSafeInteger(value)` must hold) in its shortest form; -0 is 0. */
  int(value: number): void {
    this.ensure(9);
    const buf = this.buf;
    let p = this.pos;
    if (value >= 0) {
      if (value < 0x80) {
        buf[p++] = value;
      } else if (value < 0x100) {
        buf[p++] = 0xcc;
        buf[p++] = value;
      } else if (value < 0x10000) {
        buf[p++] = 0xcd;
        buf[p++] = value >>> 8;
        buf[p++] = value & 0xff;
      } else if (value < TWO_POW_32) {
        buf[p++] = 0xce;
        buf.writeUInt32BE(value, p);
        p += 4;
      } else {
        buf[p++] = 0xcf;
        buf.writeUInt32BE(Math.floor(value / TWO_POW_32), p);
        buf.writeUInt32BE(value >>> 0, p + 4);
        p += 8;
      }
    } else if (value >= -0x20) {
      buf[p++] = value & 0xff;
    } else if (value >= -0x80) {
      buf[p++] = 0xd0;
      buf[p++] = value & 0xff;
    } else if (value >= -0x8000) {
      buf[p++] = 0xd1;
      buf[p++] = (value >> 8) & 0xff;
      buf[p++] = value & 0xff;
    } else if (value >= -0x80000000) {
      buf[p++] = 0xd2;
      buf.writeInt32BE(value, p);
      p += 4;
    } else {
      buf[p++] = 0xd3;
      this.view64.setBigInt64(p, BigInt(value));
      p += 8;
    }
    this.pos = p;
  }

  /**
   * A BigInt in the shortest integer form. Returns false (writing nothing) when it is outside
   * the MessagePack range [-2^63, 2^64 - 1].
   */
  bigint(value: bigint): boolean {
    if (value > UINT64_MAX || value < INT64_MIN) return false;
    if (value >= -0x80000000n && value < 0x100000000n) {
      this.int(Number(value));
      return true;
    }
    this.ensure(9);
    if (value >= 0n) {
      this.buf[this.pos++] = 0xcf;
      this.view64.setBigUint64(this.pos, value);
    } else {
      this.buf[this.pos++] = 0xd3;
      this.view64.setBigInt64(this.pos, value);
    }
    this.pos += 8;
    return true;
  }

  /** A float64 (`cb`), whatever its value: the caller decides when a number is a float. */
  float64(value: number): void {
    this.ensure(9);
    this.buf[this.pos++] = 0xcb;
    this.view64.setFloat64(this.pos, value);
    this.pos += 8;
  }

  /**
   * A UTF-8 string in its shortest header. Returns the number of bytes written, or
   * `LONE_SURROGATE` (writing nothing) when the string holds a lone surrogate, which UTF-8
   * cannot carry: a lossy replacement would turn one key or value into another.
   */
  str(value: string): number {
    const length = value.length;
    if (length <= INLINE_STRING_LIMIT) return this.shortStr(value, length);
    if (!isWellFormedString(value)) return LONE_SURROGATE;
    const byteLength = Buffer.byteLength(value, 'utf8');
    this.ensure(byteLength + 5);
    this.strHeader(byteLength);
    this.pos += utf8Write(this.buf, value, this.pos, byteLength);
    return byteLength;
  }

  /**
   * Encodes a short string with a JS loop: cheaper than a C++ call for a handful of characters.
   * ASCII (the common case) is written in one pass straight after its header.
   */
  private shortStr(value: string, length: number): number {
    // At most 3 bytes per UTF-16 unit and 48 * 3 < 256: the header is a fixstr or a str8.
    this.ensure(length * 3 + 2);
    const buf = this.buf;
    const start = this.pos;
    let p = start + (length < 32 ? 1 : 2);
    for (let i = 0; i < length; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) return this.shortStrUnicode(value, length, start);
      buf[p++] = c;
    }
    if (length < 32) {
      buf[start] = 0xa0 | length;
    } else {
      buf[start] = 0xd9;
      buf[start + 1] = length;
    }
    this.pos = p;
    return length;
  }

  /** The non-ASCII case: measure the UTF-8 length (refusing lone surrogates), then write. */
  private shortStrUnicode(value: string, length: number, start: number): number {
    let byteLength = 0;
    for (let i = 0; i < length; i++) {
      const c = value.charCodeAt(i);
      if (c < 0x80) byteLength += 1;
      else if (c < 0x800) byteLength += 2;
      else if (c < 0xd800 || c > 0xdfff) byteLength += 3;
      else {
        const next = i + 1 < length ? value.charCodeAt(i + 1) : 0;
        if (c > 0xdbff || next < 0xdc00 || next > 0xdfff) return LONE_SURROGATE;
        byteLength += 4;
        i++;
      }
    }
    const buf = this.buf;
    let p = start;
    if (byteLength < 32) {
      buf[p++] = 0xa0 | byteLength;
    } else {
      buf[p++] = 0xd9;
      buf[p++] = byteLength;
    }
    for (let i = 0; i < length; i++) {
      let c = value.charCodeAt(i);
      if (c < 0x80) {
        buf[p++] = c;
      } else if (c < 0x800) {
        buf[p++] = 0xc0 | (c >> 6);
        buf[p++] = 0x80 | (c & 0x3f);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (value.charCodeAt(++i) - 0xdc00);
        buf[p++] = 0xf0 | (c >> 18);
        buf[p++] = 0x80 | ((c >> 12) & 0x3f);
        buf[p++] = 0x80 | ((c >> 6) & 0x3f);
        buf[p++] = 0x80 | (c & 0x3f);
      } else {
        buf[p++] = 0xe0 | (c >> 12);
        buf[p++] = 0x80 | ((c >> 6) & 0x3f);
        buf[p++] = 0x80 | (c & 0x3f);
      }
    }
    this.pos = p;
    return byteLength;
  }

  private strHeader(byteLength: number): void {
    const buf = this.buf;
    if (byteLength < 32) buf[this.pos++] = 0xa0 | byteLength;
    else this.sizedHeader(byteLength, 0xd9);
  }

  /** Binary data (`bin` family) in its shortest header. */
  bin(bytes: Uint8Array): void {
    const length = bytes.length;
    this.fixedCostItems++;
    this.ensure(length + 5);
    this.sizedHeader(length, 0xc4);
    this.buf.set(bytes, this.pos);
    this.pos += length;
  }

  arrayHeader(length: number): void {
    this.containerHeader(length, 0x90, 0xdc);
  }

  mapHeader(length: number): void {
    this.containerHeader(length, 0x80, 0xde);
  }

  /**
   * Reserves a map header whose entry count is known only once the entries are written (a
   * for-in walk): one byte, the fixmap's, after the room check every header makes. Returns
   * where it sits, for `closeMapHeader`.
   */
  openMapHeader(): number {
    this.fixedCostItems++;
    this.ensure(5);
    return this.pos++;
  }

  /**
   * Writes the count of the map opened at `start`. A map of 16 entries or more needs a longer
   * header: its entries move up by the 2 (or 4) bytes it lacks, which the limit check covers.
   */
  closeMapHeader(start: number, length: number): void {
    if (length < 16) {
      this.buf[start] = 0x80 | length;
      return;
    }
    const extra = length < 0x10000 ? 2 : 4;
    this.ensure(extra);
    const buf = this.buf;
    buf.copyWithin(start + 1 + extra, start + 1, this.pos);
    this.pos += extra;
    if (extra === 2) {
      buf[start] = 0xde;
      buf.writeUInt16BE(length, start + 1);
    } else {
      buf[start] = 0xdf;
      buf.writeUInt32BE(length, start + 1);
    }
  }

  /** An array or map header: the fix form under 16 entries, else `marker16` or the 32-bit marker after it. */
  private containerHeader(length: number, fixBase: number, marker16: number): void {
    this.fixedCostItems++;
    this.ensure(5);
    if (length < 16) {
      this.buf[this.pos++] = fixBase | length;
    } else if (length < 0x10000) {
      this.buf[this.pos++] = marker16;
      this.buf.writeUInt16BE(length, this.pos);
      this.pos += 2;
    } else {
      this.buf[this.pos++] = marker16 + 1;
      this.buf.writeUInt32BE(length, this.pos);
      this.pos += 4;
    }
  }

  /**
   * The 8/16/32-bit length forms of str, bin and ext, whose markers follow each other
   * (`marker8`, `marker8 + 1`, `marker8 + 2`); room must be ensured already.
   */
  private sizedHeader(length: number, marker8: number): void {
    const buf = this.buf;
    if (length < 0x100) {
      buf[this.pos++] = marker8;
      buf[this.pos++] = length;
    } else if (length < 0x10000) {
      buf[this.pos++] = marker8 + 1;
      buf.writeUInt16BE(length, this.pos);
      this.pos += 2;
    } else {
      buf[this.pos++] = marker8 + 2;
      buf.writeUInt32BE(length, this.pos);
      this.pos += 4;
    }
  }

  /** An ext header (`fixext*` when the length allows, else ext8/16/32) for `length` payload bytes. */
  extHeader(type: number, length: number): void {
    this.fixedCostItems++;
    this.ensure(6);
    const fixed = FIXEXT_MARKER[length];
    if (fixed !== undefined) this.buf[this.pos++] = fixed;
    else this.sizedHeader(length, 0xc7);
    this.buf[this.pos++] = type & 0xff;
  }

  /** Raw bytes, copied as they are (already-encoded MessagePack, an ext payload). */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }
}

const FIXEXT_MARKER: Record<number, number> = { 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 };
