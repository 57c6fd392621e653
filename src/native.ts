/**
 * The native core (Rust, through N-API). This module is the only place that loads the
 * generated binding; it is also published as `cachekit/native`.
 */
import { createRequire } from 'node:module';

interface NativeBinding {
  blake2B256(data: Uint8Array): Buffer;
}

const requireNative = createRequire(import.meta.url);
// The generated loader sits at the package root, one level above both src/ and dist/.
const binding = requireNative('../index.js') as NativeBinding;

/** BLAKE2b-256 (unkeyed) of `data`. */
export function blake2b256(data: Uint8Array): Buffer {
  return binding.blake2B256(data);
}
