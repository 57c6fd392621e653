/**
 * BLAKE2b (RFC 7693) with any digest length from 1 to 64 bytes, in plain TypeScript with BigInt.
 *
 * The digest length is an input of BLAKE2b (it is mixed into the parameter block), so a 2-byte
 * digest is not a prefix of the 32-byte one and the native `blake2b256` cannot produce it. The
 * protocol's custom-serializer codes (`x` + 4 hex) need exactly that 2-byte digest. They are
 * computed once per wrapper, never per call, so this slow-but-small implementation is enough;
 * every hot-path hash goes through the native core.
 *
 * Why it is not removed: the native binding has fixed-length BLAKE2b only (256 and 128 bits),
 * and `node:crypto` refuses a digest length for `blake2b512` (Node 20: "not XOF or invalid
 * length"). A variable-length native export would do it, at the price of an N-API entry point
 * used once per wrapper; `__test__/keys` pins the codes against cachekit-py's.
 */
const MASK_64 = (1n << 64n) - 1n;

const IV = [
  0x6a09e667f3bcc908n, 0xbb67ae8584caa73bn, 0x3c6ef372fe94f82bn, 0xa54ff53a5f1d36f1n,
  0x510e527fade682d1n, 0x9b05688c2b3e6c1fn, 0x1f83d9abfb41bd6bn, 0x5be0cd19137e2179n,
];

const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
] as const;

function rotr64(x: bigint, n: bigint): bigint {
  return ((x >> n) | (x << (64n - n))) & MASK_64;
}

function compress(h: bigint[], block: Uint8Array, bytesSoFar: bigint, last: boolean): void {
  const m: bigint[] = [];
  const view = new DataView(block.buffer, block.byteOffset, 128);
  for (let i = 0; i < 16; i++) m.push(view.getBigUint64(i * 8, true));
  const v = [...h, ...IV];
  v[12] = v[12]! ^ (bytesSoFar & MASK_64);
  v[13] = v[13]! ^ (bytesSoFar >> 64n);
  if (last) v[14] = v[14]! ^ MASK_64;
  const mix = (a: number, b: number, c: number, d: number, x: bigint, y: bigint): void => {
    v[a] = (v[a]! + v[b]! + x) & MASK_64;
    v[d] = rotr64(v[d]! ^ v[a]!, 32n);
    v[c] = (v[c]! + v[d]!) & MASK_64;
    v[b] = rotr64(v[b]! ^ v[c]!, 24n);
    v[a] = (v[a]! + v[b]! + y) & MASK_64;
    v[d] = rotr64(v[d]! ^ v[a]!, 16n);
    v[c] = (v[c]! + v[d]!) & MASK_64;
    v[b] = rotr64(v[b]! ^ v[c]!, 63n);
  };
  for (let round = 0; round < 12; round++) {
    const s = SIGMA[round % 10]!;
    mix(0, 4, 8, 12, m[s[0]]!, m[s[1]]!);
    mix(1, 5, 9, 13, m[s[2]]!, m[s[3]]!);
    mix(2, 6, 10, 14, m[s[4]]!, m[s[5]]!);
    mix(3, 7, 11, 15, m[s[6]]!, m[s[7]]!);
    mix(0, 5, 10, 15, m[s[8]]!, m[s[9]]!);
    mix(1, 6, 11, 12, m[s[10]]!, m[s[11]]!);
    mix(2, 7, 8, 13, m[s[12]]!, m[s[13]]!);
    mix(3, 4, 9, 14, m[s[14]]!, m[s[15]]!);
  }
  for (let i = 0; i < 8; i++) h[i] = h[i]! ^ v[i]! ^ v[i + 8]!;
}

/** Unkeyed BLAKE2b of `data` with a digest of `digestLength` bytes (1–64). */
export function blake2b(data: Uint8Array, digestLength: number): Buffer {
  if (!Number.isInteger(digestLength) || digestLength < 1 || digestLength > 64) {
    throw new RangeError(`BLAKE2b digest length must be 1–64 bytes, got ${digestLength}`);
  }
  const h = [...IV];
  h[0] = h[0]! ^ 0x01010000n ^ BigInt(digestLength);
  const block = new Uint8Array(128);
  let offset = 0;
  // Every full block except the last one is compressed as "not last".
  while (data.length - offset > 128) {
    block.set(data.subarray(offset, offset + 128));
    offset += 128;
    compress(h, block, BigInt(offset), false);
  }
  block.fill(0);
  block.set(data.subarray(offset));
  compress(h, block, BigInt(data.length), true);
  const out = Buffer.alloc(64);
  for (let i = 0; i < 8; i++) out.writeBigUInt64LE(h[i]!, i * 8);
  return out.subarray(0, digestLength);
}
