/**
 * cachekit for Node.js: a two-tier function cache with a Rust core.
 */
export * from './errors';
export { blake2b256 } from './native';
export type { CacheBackend, BackendCallOptions, BackendHealth, BackendEntry } from './backends/types';
