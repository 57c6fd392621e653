/**
 * `cachekit/testing`: the backend conformance suite, for authors of a `CacheBackend`. Its own
 * entry because it asserts with `node:assert`, which an application never needs to load.
 *
 * ```ts
 * import { describe, it, beforeAll, afterAll } from 'vitest';
 * import { runBackendConformance } from 'cachekit/testing';
 * runBackendConformance('my-backend', () => new MyBackend(), { describe, it, beforeAll, afterAll });
 * ```
 */
export {
  runBackendConformance,
  type ConformanceCapabilities,
  type ConformanceFactory,
  type ConformanceOptions,
  type ConformanceRunner,
} from './backends/conformance';
