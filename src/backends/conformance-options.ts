/**
 * The options of the backend conformance suite (`runBackendConformance`, in `conformance.ts`):
 * the runner it registers with, the optional capabilities a backend claims, and how they are
 * detected from its methods.
 */
import type { CacheBackend } from './types';

/** The test-runner functions the suite needs (vitest, jest, mocha and node:test all fit). */
export interface ConformanceRunner {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: () => Promise<void>, timeoutMs?: number): unknown;
  beforeAll(hook: () => Promise<void>, timeoutMs?: number): unknown;
  afterAll(hook: () => Promise<void>, timeoutMs?: number): unknown;
}

/** Optional capabilities the backend claims; the suite checks each claim both ways. */
export interface ConformanceCapabilities {
  /** `getTtl` and `refreshTtl`. */
  ttl: boolean;
  /** `acquireLock`, `renewLock`, `releaseLock`. */
  locks: boolean;
  /** `getMany` and `setMany`. */
  batch: boolean;
  /** `clearPrefix`. */
  clearPrefix: boolean;
}

/** Methods that make up each optional capability. */
export const CAPABILITY_METHODS: Readonly<Record<keyof ConformanceCapabilities, ReadonlyArray<keyof CacheBackend>>> = {
  ttl: ['getTtl', 'refreshTtl'],
  locks: ['acquireLock', 'renewLock', 'releaseLock'],
  batch: ['getMany', 'setMany'],
  clearPrefix: ['clearPrefix'],
};

export const CAPABILITIES = Object.keys(CAPABILITY_METHODS) as Array<keyof ConformanceCapabilities>;

/** Which methods of a capability `backend` has. */
export function presentMethods(backend: CacheBackend, capability: keyof ConformanceCapabilities): Array<keyof CacheBackend> {
  return CAPABILITY_METHODS[capability].filter((method) => typeof backend[method] === 'function');
}

/** The capabilities `backend` implements: those whose methods are all present. */
export function detectCapabilities(backend: CacheBackend): ConformanceCapabilities {
  const has = (capability: keyof ConformanceCapabilities) =>
    presentMethods(backend, capability).length === CAPABILITY_METHODS[capability].length;
  return { ttl: has('ttl'), locks: has('locks'), batch: has('batch'), clearPrefix: has('clearPrefix') };
}

/** Options of `runBackendConformance`. */
export interface ConformanceOptions {
  /**
   * Capabilities the backend implements; the suite then checks it has exactly these. Default:
   * detected from the backend's methods (each capability must then be complete or absent).
   */
  capabilities?: ConformanceCapabilities;
  /**
   * Prefix of every key the suite writes. Default: a random `ck-conformance:<hex>:` so runs
   * sharing one server never collide. The suite never clears anything outside it.
   */
  keyPrefix?: string;
  /** Whether an already-aborted `signal` must make calls reject (default true). */
  honoursAbortSignal?: boolean;
  /** Size of the "large value" test (default 1 MiB). */
  largeValueBytes?: number;
  /** Longest wait for a TTL of 1 s to be observed as expired (default 10 000 ms). */
  expiryWaitMs?: number;
  /** Per-test timeout handed to `it` (default 30 000 ms). */
  testTimeoutMs?: number;
}

/** Creates the backend under test; called once per suite (and once more for the close test). */
export type ConformanceFactory = () => CacheBackend | Promise<CacheBackend>;
