/**
 * MessagePack → JS values, for the same three profiles as `value-encoder.ts`. Every document
 * first passes the decode-bounds pre-scan (`bounds.ts`), so the decoder below only ever walks a
 * complete, bounded, single document and never allocates what the input cannot back.
 *
 * - integers come back as numbers, or BigInts beyond 2^53; floats as numbers; bin as a Buffer
 *   (a copy: the caller may mutate it without touching stored bytes);
 * - maps as plain objects (`__proto__` stays an ordinary key), or as a `Map` when a key is not a
 *   string; strings must be valid UTF-8 (a lenient decode would invent U+FFFD characters);
 * - `standard` revives the `__datetime__` / `__date__` / `__time__` sentinels as cachekit-py
 *   does (any truthy marker; a marker without a string `value` is an error); `interop`
 *   revives `__datetime__` only; `auto` reads its own tags and revives nothing else;
 * - the MessagePack timestamp ext (-1) is a Date; other exts are `MsgpackExtension`s.
 *
 * Failures are `SerializationError`s (`ERR_DESERIALIZATION`) or `DecodeBoundsError`s (which
 * include the decode budget, `decode-cost.ts`); a document is decoded whole or not at all.
 */
import { SerializationError } from '../errors';
import type { ErrorCode } from '../error-codes';
import { MsgpackExtension } from './tagged-values';
import { AUTO_EXT } from './auto-tags';
import { MAX_DECODE_DEPTH, checkDecodeBounds } from './bounds';
import { type ExtensionCost, autoExtensionCost, standardExtensionCost } from './decode-cost';
import { NOT_AUTO, readAutoExt, timestampToDate } from './ext-values';
import { reviveSentinel } from './sentinels';
import { Undecodable } from './undecodable';
import { KeyCache, MAX_CACHED_KEY_BYTES } from './key-cache';
import { utf8ReadStrict } from './text';
import type { ValueProfile } from './value-encoder';

/** Error code of bytes that are well-formed MessagePack but not a value of the profile. */
export const UNDECODABLE_VALUE = 'ERR_DESERIALIZATION' satisfies ErrorCode;

/** Options of a decoder. */
export interface ValueDecoderOptions {
  /** Interop profile only: revive `{"__datetime__": true, "value": iso}` as a Date. Default true. */
  readonly reviveDates?: boolean;
}

// '_': sentinel keys all start with "__".
const SENTINEL_PREFIX = 0x5f;
/**
 * ASCII strings up to this many bytes are built in JS (one `fromCharCode`); longer ones, and
 * any with other bytes, are decoded natively (see `utf8ReadStrict`), which is faster past it.
 */
const SHORT_STRING_BYTES = 8;

/** Decodes documents of one profile. Holds no per-call state between calls. */
export class ValueDecoder {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private readonly revive: 'all' | 'datetime' | 'none';
  private readonly rich: boolean;
  private readonly keys = new KeyCache();
  private readonly extensionCost: ExtensionCost;

  constructor(
    readonly profile: ValueProfile,
    options: ValueDecoderOptions = {},
  ) {
    this.rich = profile === 'auto';
    this.extensionCost = this.rich ? autoExtensionCost : standardExtensionCost;
    this.revive = profile === 'standard' ? 'all' : profile === 'interop' && options.reviveDates !== false ? 'datetime' : 'none';
  }

  /** Decodes `bytes` (exactly one document, nothing after it). */
  decode(bytes: Uint8Array): unknown {
    checkDecodeBounds(bytes, 0, bytes.length, MAX_DECODE_DEPTH, this.extensionCost);
    const previousBuf = this.buf;
    const previousPos = this.pos;
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 0;
    try {
      return this.read();
    } catch (error) {
      if (error instanceof Undecodable) {
        throw new SerializationError(`Cannot deserialize (${this.profile}): ${error.message}`, {
          code: UNDECODABLE_VALUE,
          cause: error,
        });
      }
      throw error;
    } finally {
      // A reviver never re-enters, but keep the decoder usable if one ever does.
      this.buf = previousBuf;
      this.pos = previousPos;
    }
  }

  private read(): unknown {
    const buf = this.buf;
    const marker = buf[this.pos++]!;
    if (marker < 0x80) return marker;
    if (marker >= 0xe0) return marker - 0x100;
    if (marker < 0x90) return this.readMap(marker & 0x0f);
    if (marker < 0xa0) return this.readArray(marker & 0x0f);
    if (marker < 0xc0) return this.readString(marker & 0x1f);
    switch (marker) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
      case 0xc5:
      case 0xc6:
        return this.readBin(this.sizedLength(marker - 0xc4));
      case 0xc7:
      case 0xc8:
      case 0xc9:
        return this.readExt(this.sizedLength(marker - 0xc7));
      case 0xca:
        return this.advance(buf.readFloatBE(this.pos), 4);
      case 0xcb:
        return this.advance(buf.readDoubleBE(this.pos), 8);
      case 0xcc:
        return buf[this.pos++]!;
      case 0xcd:
        return this.u16();
      case 0xce:
        return this.u32();
      case 0xcf: {
        const high = buf.readUInt32BE(this.pos);
        const low = buf.readUInt32BE(this.pos + 4);
        this.pos += 8;
        if (high < 0x200000) return high * 0x100000000 + low;
        return (BigInt(high) << 32n) | BigInt(low);
      }
      case 0xd0:
        return this.advance(buf.readInt8(this.pos), 1);
      case 0xd1:
        return this.advance(buf.readInt16BE(this.pos), 2);
      case 0xd2:
        return this.advance(buf.readInt32BE(this.pos), 4);
      case 0xd3: {
        const value = buf.readBigInt64BE(this.pos);
        this.pos += 8;
        return value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : value;
      }
      case 0xd4:
        return this.readExt(1);
      case 0xd5:
        return this.readExt(2);
      case 0xd6:
        return this.readExt(4);
      case 0xd7:
        return this.readExt(8);
      case 0xd8:
        return this.readExt(16);
      case 0xd9:
      case 0xda:
      case 0xdb:
        return this.readString(this.sizedLength(marker - 0xd9));
      case 0xdc:
      case 0xdd:
        return this.readArray(marker === 0xdc ? this.u16() : this.u32());
      case 0xde:
      case 0xdf:
        return this.readMap(marker === 0xde ? this.u16() : this.u32());
      default:
        throw new Undecodable(`byte ${this.pos - 1} is 0x${marker.toString(16)}, not a MessagePack marker`);
    }
  }

  /** `value`, read at the cursor from `width` bytes, which the cursor moves past. */
  private advance(value: number, width: number): number {
    this.pos += width;
    return value;
  }

  /** The length after a str/bin/ext marker: form 0, 1, 2 is a u8, u16, u32 (the markers' order). */
  private sizedLength(form: number): number {
    if (form === 0) return this.buf[this.pos++]!;
    return form === 1 ? this.u16() : this.u32();
  }

  /** The big-endian u16 at the cursor (a length or a uint 16), moving past it. */
  private u16(): number {
    return this.advance(this.buf.readUInt16BE(this.pos), 2);
  }

  /** The big-endian u32 at the cursor, moving past it. */
  private u32(): number {
    return this.advance(this.buf.readUInt32BE(this.pos), 4);
  }

  private readString(length: number): string {
    const buf = this.buf;
    const start = this.pos;
    const end = start + length;
    this.pos = end;
    if (length <= SHORT_STRING_BYTES) {
      // ASCII (valid UTF-8 by definition) in JS, without a native call.
      let ascii = true;
      for (let i = start; i < end; i++) {
        if (buf[i]! >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) return shortAscii(buf, start, length);
    }
    return this.readUtf8(start, end);
  }

  /** A map key: short strings come from the key cache; anything else is read normally. */
  private readKey(): unknown {
    const marker = this.buf[this.pos]!;
    let start: number;
    let length: number;
    if (marker >= 0xa0 && marker < 0xc0) {
      length = marker & 0x1f;
      start = this.pos + 1;
    } else if (marker === 0xd9) {
      length = this.buf[this.pos + 1]!;
      start = this.pos + 2;
    } else {
      return this.read();
    }
    if (length > MAX_CACHED_KEY_BYTES) return this.read();
    const end = start + length;
    this.pos = end;
    const key = this.keys.get(this.buf, start, end, this.decodeKeyText);
    if (key === undefined) throw new Undecodable(`the map key at byte ${start} is not valid UTF-8`);
    return key;
  }

  private readonly decodeKeyText = (start: number, end: number): string | undefined => utf8ReadStrict(this.buf, start, end);

  private readUtf8(start: number, end: number): string {
    const text = utf8ReadStrict(this.buf, start, end);
    if (text === undefined) throw new Undecodable(`the string at byte ${start} is not valid UTF-8`);
    return text;
  }

  private readBin(length: number): Buffer {
    const start = this.pos;
    this.pos += length;
    return Buffer.from(this.buf.subarray(start, start + length));
  }

  private readArray(length: number): unknown {
    if (this.rich && length > 0 && this.buf[this.pos] === 0xd4 && this.buf[this.pos + 2] === 0) {
      const tag = this.buf[this.pos + 1];
      if (tag === AUTO_EXT.MAP || tag === AUTO_EXT.SET) {
        this.pos += 3;
        return tag === AUTO_EXT.MAP ? this.readTaggedMap(length - 1) : this.readTaggedSet(length - 1);
      }
    }
    const values = new Array<unknown>(length);
    for (let i = 0; i < length; i++) values[i] = this.read();
    return values;
  }

  private readTaggedMap(items: number): Map<unknown, unknown> {
    if (items % 2 !== 0) throw new Undecodable('a tagged Map with an odd number of items');
    const map = new Map<unknown, unknown>();
    for (let i = 0; i < items; i += 2) {
      const key = this.read();
      map.set(key, this.read());
    }
    return map;
  }

  private readTaggedSet(items: number): Set<unknown> {
    const set = new Set<unknown>();
    for (let i = 0; i < items; i++) set.add(this.read());
    return set;
  }

  private readMap(length: number): unknown {
    const object: Record<string, unknown> = {};
    let sawSentinelKey = false;
    for (let i = 0; i < length; i++) {
      const key = this.readKey();
      if (typeof key !== 'string') return this.continueAsMap(object, key, length - i);
      if (key.charCodeAt(0) === SENTINEL_PREFIX) {
        sawSentinelKey = true;
        if (key === '__proto__') {
          Object.defineProperty(object, key, { value: this.read(), enumerable: true, writable: true, configurable: true });
          continue;
        }
      }
      object[key] = this.read();
    }
    if (sawSentinelKey && this.revive !== 'none') return reviveSentinel(object, this.revive);
    return object;
  }

  /** A map turned out to have a non-string key: carry on as a `Map`. */
  private continueAsMap(object: Record<string, unknown>, firstOddKey: unknown, remaining: number): Map<unknown, unknown> {
    const map = new Map<unknown, unknown>(Object.entries(object));
    map.set(firstOddKey, this.read());
    for (let i = 1; i < remaining; i++) {
      const key = this.read();
      map.set(key, this.read());
    }
    return map;
  }

  private readExt(length: number): unknown {
    const type = this.buf.readInt8(this.pos);
    const start = this.pos + 1;
    this.pos = start + length;
    const payload = this.buf.subarray(start, start + length);
    if (type === -1) return timestampToDate(payload);
    if (this.rich) {
      const value = readAutoExt(type, payload);
      if (value !== NOT_AUTO) return value;
    }
    return new MsgpackExtension(type, Buffer.from(payload));
  }
}

const fromCharCode = String.fromCharCode;

/** An ASCII string of 0–8 bytes at `buf[start]`, built by one `fromCharCode` call. */
function shortAscii(buf: Buffer, start: number, length: number): string {
  switch (length) {
    case 0:
      return '';
    case 1:
      return fromCharCode(buf[start]!);
    case 2:
      return fromCharCode(buf[start]!, buf[start + 1]!);
    case 3:
      return fromCharCode(buf[start]!, buf[start + 1]!, buf[start + 2]!);
    case 4:
      return fromCharCode(buf[start]!, buf[start + 1]!, buf[start + 2]!, buf[start + 3]!);
    case 5:
      return fromCharCode(buf[start]!, buf[start + 1]!, buf[start + 2]!, buf[start + 3]!, buf[start + 4]!);
    case 6:
      return fromCharCode(buf[start]!, buf[start + 1]!, buf[start + 2]!, buf[start + 3]!, buf[start + 4]!, buf[start + 5]!);
    case 7:
      return fromCharCode(buf[start]!, buf[start + 1]!, buf[start + 2]!, buf[start + 3]!, buf[start + 4]!, buf[start + 5]!, buf[start + 6]!);
    default:
      return fromCharCode(
        buf[start]!, buf[start + 1]!, buf[start + 2]!, buf[start + 3]!,
        buf[start + 4]!, buf[start + 5]!, buf[start + 6]!, buf[start + 7]!,
      );
  }
}
