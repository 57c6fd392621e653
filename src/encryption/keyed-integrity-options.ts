/**
 * The keyed form of the `integrity` option, validated when a wrapper is built:
 * `integrity: 'keyed'` (master keys from the environment) or `integrity: { masterKey,
 * previousMasterKeys }`.
 */
import { ConfigurationError } from '../errors';
import type { MasterKeyring } from '../native';
import { loadOptionKeyring } from './master-key';

/** Options of keyed integrity (`integrity: { ... }`); each falls back to the environment. */
export interface KeyedIntegrityOptions {
  /**
   * 32-byte master key as 64 hex digits or bytes. Default: `CACHEKIT_MASTER_KEY`. Loaded into
   * Rust when the cache is built; no copy or reference is kept. The MAC keys derived from it
   * never equal the encryption keys derived from the same master key.
   */
  masterKey?: string | Uint8Array;
  /**
   * Up to three replaced master keys whose tags still verify (never sign), for rotation.
   * Default: `CACHEKIT_PREVIOUS_MASTER_KEYS` (comma-separated hex).
   */
  previousMasterKeys?: string | ReadonlyArray<string | Uint8Array>;
}

/** Validated keyed-integrity settings. Key bytes live only in Rust, behind the keyring. */
export interface ResolvedKeyedIntegrity {
  /** The current and previous master keys. */
  readonly keyring: MasterKeyring;
}

const OPTION_NAMES = ['masterKey', 'previousMasterKeys'];

/** Whether an `integrity` option value asks for keyed integrity (`'keyed'` or an object). */
export function isKeyedIntegrityOption(value: unknown): boolean {
  return value === 'keyed' || (typeof value === 'object' && value !== null && !Array.isArray(value));
}

/** Resolves a keyed `integrity` option; undefined for `true`, `false` or absent. */
export function resolveKeyedIntegrity(option: unknown, env: Record<string, string | undefined> = process.env): ResolvedKeyedIntegrity | undefined {
  if (!isKeyedIntegrityOption(option)) return undefined;
  const opts = (option === 'keyed' ? {} : option) as Record<string, unknown>;
  for (const name of Object.keys(opts)) {
    if (!OPTION_NAMES.includes(name)) {
      throw new ConfigurationError(`Unknown option \`integrity.${name}\`. Known options: ${OPTION_NAMES.join(', ')}.`);
    }
  }
  const keyring = loadOptionKeyring(
    opts,
    env,
    'integrity',
    'Keyed integrity needs a master key and none is configured. ' +
      'Fix: pass `integrity: { masterKey }` or set CACHEKIT_MASTER_KEY (64 hex digits, e.g. from `openssl rand -hex 32`).',
  );
  return { keyring };
}
