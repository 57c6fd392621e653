/**
 * Map keys repeat: an array of records carries the same dozen keys thousands of times. Decoding
 * each occurrence into a fresh string costs a decode and, worse, a string-table lookup when it
 * becomes a property name. This cache returns the same string object for the same short byte
 * sequence, so repeated keys cost a hash and a compare.
 */

/** Keys longer than this many bytes are decoded normally. */
export const MAX_CACHED_KEY_BYTES = 24;
const SLOTS = 4096;

/** Direct-mapped cache from key bytes to the decoded key string. */
export class KeyCache {
  private readonly strings: (string | undefined)[] = new Array<string | undefined>(SLOTS);
  private readonly bytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(SLOTS);

  /**
   * The string for `buf[start, end)`, decoding it with `decode` on a miss (which may return
   * undefined for invalid bytes; nothing is cached then).
   */
  get(buf: Uint8Array, start: number, end: number, decode: (start: number, end: number) => string | undefined): string | undefined {
    // A cheap slot from the length and the first, second and last bytes: a collision only
    // costs a re-decode, never a wrong string (the bytes are compared below).
    const length = end - start;
    const slot =
      length === 0 ? 0 : ((length << 7) ^ (buf[start]! << 4) ^ buf[start + (length > 1 ? 1 : 0)]! ^ (buf[end - 1]! << 2)) & (SLOTS - 1);
    const cached = this.bytes[slot];
    if (cached !== undefined && cached.length === length) {
      let same = true;
      for (let i = 0; i < cached.length; i++) {
        if (cached[i] !== buf[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return this.strings[slot];
    }
    const text = decode(start, end);
    if (text !== undefined) {
      // A copy: on a Buffer, `slice` is a view, and callers reuse their buffers, so a view
      // would change under the cache and match later bytes to this (stale) string.
      this.bytes[slot] = Uint8Array.prototype.slice.call(buf, start, end);
      this.strings[slot] = text;
    }
    return text;
  }
}
