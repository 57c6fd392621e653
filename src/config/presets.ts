/**
 * Intent presets: what each one turns on, and which options contradict it. Preset defaults
 * follow the Python cachekit's table, with its unwired knobs actually wired.
 */
import type { L1Mode } from './options';

/** Names of the presets (`cache.minimal`, ...). `default` is plain `cache()`. */
export type PresetName = 'default' | 'minimal' | 'production' | 'secure' | 'dev' | 'test' | 'local';

/** What a preset decides before user options apply. */
export interface PresetDefaults {
  integrity: boolean;
  l1Enabled: boolean;
  l1Mode: L1Mode;
  swr: boolean;
  circuitBreaker: boolean;
  adaptiveTimeouts: boolean;
  backpressure: boolean;
  distributedLock: boolean;
  encryptionRequired: boolean;
  /** L1 only: no backend is ever resolved. */
  l1Only: boolean;
}

const BASE: PresetDefaults = {
  integrity: true,
  l1Enabled: true,
  l1Mode: 'bytes',
  swr: true,
  circuitBreaker: true,
  adaptiveTimeouts: true,
  backpressure: true,
  distributedLock: false,
  encryptionRequired: false,
  l1Only: false,
};

/** Defaults per preset. */
export const PRESETS: Record<PresetName, PresetDefaults> = {
  default: BASE,
  minimal: { ...BASE, integrity: false, swr: false, circuitBreaker: false, adaptiveTimeouts: false },
  production: { ...BASE, distributedLock: true },
  secure: { ...BASE, distributedLock: true, encryptionRequired: true },
  dev: BASE,
  test: { ...BASE, integrity: false, swr: false, circuitBreaker: false, adaptiveTimeouts: false, backpressure: false },
  local: { ...BASE, l1Mode: 'reference', swr: false, l1Only: true },
};

/** A rule "option X with value Y contradicts preset P", with the fix to suggest. */
interface Contradiction {
  option: string;
  /** True when the given value contradicts the preset. */
  contradicts: (value: unknown) => boolean;
  why: string;
  fix: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Options each preset refuses, and why. */
export const PRESET_CONTRADICTIONS: Partial<Record<PresetName, Contradiction[]>> = {
  secure: [
    {
      option: 'integrity',
      contradicts: (v) => v === false,
      why: 'cache.secure always authenticates and checksums stored bytes',
      fix: 'remove `integrity: false`, or use cache() if you really want unverified plaintext',
    },
    {
      option: 'integrity',
      contradicts: (v) => v === 'keyed' || isObject(v),
      why: "cache.secure's encryption already authenticates every entry (its tag is bound to tenant and key), so keyed integrity would add nothing",
      fix: "remove `integrity`, or use cache() with `integrity: 'keyed'` for authenticated plaintext",
    },
    {
      option: 'encryption',
      contradicts: (v) => v === false,
      why: 'cache.secure exists to encrypt',
      fix: 'remove `encryption: false`, or use cache.production',
    },
    {
      option: 'l1',
      contradicts: (v) => isObject(v) && v.mode === 'reference',
      why: "cache.secure keeps only ciphertext in L1, so live references ('reference' mode) are not allowed",
      fix: "remove `l1.mode: 'reference'`",
    },
  ],
  local: [
    {
      option: 'backend',
      contradicts: (v) => v !== undefined && v !== null,
      why: 'cache.local keeps live objects in this process only and never uses a shared backend',
      fix: 'remove `backend`, or use cache() / cache.production for a shared cache',
    },
    {
      option: 'serializer',
      contradicts: (v) => v !== undefined,
      why: 'cache.local stores live references and never serializes',
      fix: 'remove `serializer`',
    },
    {
      option: 'integrity',
      contradicts: (v) => v !== undefined,
      why: 'cache.local stores live references; there are no bytes to check',
      fix: 'remove `integrity`',
    },
    {
      option: 'l1',
      contradicts: (v) => v === false || (isObject(v) && (v.enabled === false || v.mode === 'bytes')),
      why: 'cache.local is an in-process reference cache; L1 is all it has',
      fix: "remove the `l1` setting (maxEntries/maxBytes/ttl may be set), or use cache() for 'bytes' mode",
    },
    {
      option: 'encryption',
      contradicts: (v) => v !== undefined && v !== false,
      why: 'cache.local never leaves the process and holds live objects',
      fix: 'remove `encryption`, or use cache.secure',
    },
    {
      option: 'interop',
      contradicts: (v) => v !== undefined,
      why: 'interop entries are shared through a backend; cache.local has none',
      fix: 'remove `interop`, or use cache()',
    },
    {
      option: 'refreshTtlOnGet',
      contradicts: (v) => v !== undefined && v !== false,
      why: 'refreshTtlOnGet refreshes the L2 TTL; cache.local has no L2',
      fix: 'remove `refreshTtlOnGet`',
    },
  ],
};
