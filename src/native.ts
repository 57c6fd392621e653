/**
 * The native core (Rust, through N-API). This module is the only place that loads the
 * generated binding; it is also published as `cachekit/native`.
 */
import { createRequire } from 'node:module';

/** The subset of the generated binding (`index.d.ts`, written by `napi build`) this module wraps. */
interface NativeBinding {
  blake2b256(data: Uint8Array): Buffer;
  blake2b256Hex(data: Uint8Array): string;
  blake2b128(data: Uint8Array): Buffer;
  xxh3_64(data: Uint8Array): Buffer;
}

const requireNative = createRequire(import.meta.url);
// The generated loader sits at the package root, one level above both src/ and dist/.
const binding = requireNative('../index.js') as NativeBinding;

/** BLAKE2b-256 (unkeyed) of `data`: a 32-byte Buffer. */
export const blake2b256: (data: Uint8Array) => Buffer = binding.blake2b256;

/**
 * Lowercase hex of BLAKE2b-256 (unkeyed) of `data` (64 characters). The key builder calls this
 * on every cached call, so the hex is produced natively rather than by `Buffer#toString`.
 */
export const blake2b256Hex: (data: Uint8Array) => string = binding.blake2b256Hex;

/** BLAKE2b-128 (unkeyed) of `data`: a 16-byte Buffer, the file backend's name for a key. */
export const blake2b128: (data: Uint8Array) => Buffer = binding.blake2b128;

/** xxHash3-64 (seed 0) of `data` as an 8-byte big-endian Buffer (the envelope checksum). */
export const xxh3_64: (data: Uint8Array) => Buffer = binding.xxh3_64;
