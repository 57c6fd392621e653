/**
 * The on-disk format of the file backend, byte for byte the one cachekit-py writes, so both
 * SDKs can share a cache directory:
 *
 * - file name: lowercase hex of BLAKE2b-128 over the key's UTF-8 bytes (32 characters);
 * - 14-byte header: magic `CK`, format version 1, a reserved byte (0), flags (u16 BE, 0),
 *   absolute expiry (u64 BE, unix seconds, 0 = never);
 * - then the value's bytes, unchanged.
 */
import { blake2b128 } from '../../native';

/** Length of the header in front of every value. */
export const FILE_HEADER_BYTES = 14;
/** Format version this code writes and fully understands. */
export const FILE_FORMAT_VERSION = 1;
const MAGIC_0 = 0x43; // 'C'
const MAGIC_1 = 0x4b; // 'K'

/** Entry file names: exactly 32 lowercase hex characters. */
export const ENTRY_NAME = /^[0-9a-f]{32}$/;
/** Temporary files written before the atomic rename: `<entry>.tmp.<pid>.<random hex>`. */
export const TEMP_NAME = /^([0-9a-f]{32})\.tmp\.(\d+)\.[0-9a-f]+$/;

/** The file name that stores `key`. */
export function entryFileName(key: string): string {
  return blake2b128(Buffer.from(key, 'utf8')).toString('hex');
}

/** What a reader may do with a file, judged from its header. */
export type HeaderVerdict =
  /** A version-1 entry; `expiresAt` in unix seconds, 0 = never. */
  | { kind: 'entry'; expiresAt: number }
  /** Not a cache entry or damaged (short, wrong magic, version 0): remove it and miss. */
  | { kind: 'corrupt' }
  /**
   * Written by a newer format (higher version, non-zero reserved byte or flags): this reader
   * cannot interpret it, so it misses but leaves the file for the writer that can.
   */
  | { kind: 'foreign' };

/** Encodes the header for an entry expiring at `expiresAt` unix seconds (0 = never). */
export function encodeHeader(expiresAt: number): Buffer {
  const header = Buffer.alloc(FILE_HEADER_BYTES);
  header[0] = MAGIC_0;
  header[1] = MAGIC_1;
  header[2] = FILE_FORMAT_VERSION;
  header.writeBigUInt64BE(BigInt(expiresAt), 6);
  return header;
}

/** Judges the first bytes of a file (at least `FILE_HEADER_BYTES` for a valid entry). */
export function decodeHeader(bytes: Buffer): HeaderVerdict {
  if (bytes.length < FILE_HEADER_BYTES) return { kind: 'corrupt' };
  if (bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1) return { kind: 'corrupt' };
  const version = bytes[2]!;
  if (version === 0) return { kind: 'corrupt' };
  if (version > FILE_FORMAT_VERSION || bytes[3] !== 0 || bytes.readUInt16BE(4) !== 0) return { kind: 'foreign' };
  const expiry = bytes.readBigUInt64BE(6);
  // Beyond 2^53 s is far past any real expiry: treat as never expiring rather than lose precision.
  return { kind: 'entry', expiresAt: expiry > BigInt(Number.MAX_SAFE_INTEGER) ? 0 : Number(expiry) };
}

/**
 * Expiry in unix seconds for a TTL given now: whole seconds, rounded down as cachekit-py does
 * (`int(now + ttl)`), so an entry never outlives its TTL. 0 when `ttlSeconds` is 0.
 */
export function expiryFor(ttlSeconds: number, nowMs: number): number {
  return ttlSeconds === 0 ? 0 : Math.floor(nowMs / 1000 + ttlSeconds);
}

/** Whether an entry with this expiry is expired at `nowMs` (an entry dies when now reaches it). */
export function isExpired(expiresAt: number, nowMs: number): boolean {
  return expiresAt !== 0 && nowMs / 1000 >= expiresAt;
}
