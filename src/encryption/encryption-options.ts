/**
 * The `encryption` option and its environment fallbacks, validated when a wrapper is built.
 */
import { ConfigurationError } from '../errors';
import { describeValue } from '../describe-value';
import type { AeadAlgorithm, MasterKeyring } from '../native';
import { loadOptionKeyring } from './master-key';

/** Options of encrypted caches (`cache.secure`, or `encryption: {...}` on any cache). */
export interface EncryptionOptions {
  /**
   * 32-byte master key as 64 hex digits or bytes. Default: `CACHEKIT_MASTER_KEY`. It is loaded
   * into Rust when the cache is built; the cache keeps no copy and no reference, so a Buffer
   * may be wiped (`key.fill(0)`) afterwards. An all-zero key is refused.
   */
  masterKey?: string | Uint8Array;
  /**
   * Up to three replaced master keys that may still decrypt (never encrypt), for rotation.
   * Default: `CACHEKIT_PREVIOUS_MASTER_KEYS` (comma-separated hex).
   */
  previousMasterKeys?: string | ReadonlyArray<string | Uint8Array>;
  /**
   * `'aes-256-gcm'` (default; what every cachekit SDK reads) or `'chacha20-poly1305'` (for hosts
   * without AES instructions; entries are then readable by cachekit for Node only).
   */
  algorithm?: AeadAlgorithm;
  /**
   * On an entry that fails decryption or authentication: `false` (default) treats it as a miss
   * (counted and logged); `true` throws `EncryptionError`. Default: `CACHEKIT_ENCRYPTION_FAIL_CLOSED`.
   */
  failClosed?: boolean;
}

/** Validated encryption settings. Key bytes live only in Rust, behind the keyring. */
export interface ResolvedEncryption {
  /** The current and previous master keys. */
  readonly keyring: MasterKeyring;
  readonly algorithm: AeadAlgorithm;
  readonly failClosed: boolean;
}

const OPTION_NAMES = ['masterKey', 'previousMasterKeys', 'algorithm', 'failClosed'];

function envBoolean(env: Record<string, string | undefined>, name: string): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigurationError(`Environment variable ${name}=${JSON.stringify(env[name])} is invalid: expected true or false.`);
}

/**
 * Resolves the `encryption` option. Returns undefined when the cache is not encrypted.
 * `required` is set by `cache.secure`, which never starts without a key.
 */
export function resolveEncryption(
  option: unknown,
  required: boolean,
  env: Record<string, string | undefined> = process.env,
): ResolvedEncryption | undefined {
  if (option === false) return undefined;
  if (option === undefined && !required) {
    // An operator who configured a master key expects encryption; storing plaintext because a
    // cache forgot to ask for it would be a silent downgrade (cachekit-py refuses it the same way).
    if ((env.CACHEKIT_MASTER_KEY?.trim() ?? '') !== '') {
      throw new ConfigurationError(
        'CACHEKIT_MASTER_KEY is set but this cache does not say whether to encrypt, so it refuses to guess. ' +
          'Fix: pass `encryption: {}` (or use cache.secure) to encrypt with it, or `encryption: false` to store plaintext on purpose.',
      );
    }
    return undefined;
  }
  const opts = (option ?? {}) as Record<string, unknown>;
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw new ConfigurationError(`Option \`encryption\` must be an object or false; got ${describeValue(option)}.`);
  }
  for (const name of Object.keys(opts)) {
    if (!OPTION_NAMES.includes(name)) {
      throw new ConfigurationError(`Unknown option \`encryption.${name}\`. Known options: ${OPTION_NAMES.join(', ')}.`);
    }
  }
  const algorithm = opts.algorithm ?? 'aes-256-gcm';
  if (algorithm !== 'aes-256-gcm' && algorithm !== 'chacha20-poly1305') {
    throw new ConfigurationError(`Option \`encryption.algorithm\` must be 'aes-256-gcm' or 'chacha20-poly1305'; got ${describeValue(algorithm)}.`);
  }
  if (opts.failClosed !== undefined && typeof opts.failClosed !== 'boolean') {
    throw new ConfigurationError(`Option \`encryption.failClosed\` must be true or false; got ${describeValue(opts.failClosed)}.`);
  }
  const failClosed = (opts.failClosed as boolean | undefined) ?? envBoolean(env, 'CACHEKIT_ENCRYPTION_FAIL_CLOSED') ?? false;
  const keyring = loadOptionKeyring(
    opts,
    env,
    'encryption',
    'Encryption needs a master key and none is configured, so the cache refuses to start rather than store plaintext. ' +
      'Fix: pass `encryption: { masterKey }` or set CACHEKIT_MASTER_KEY (64 hex digits, e.g. from `openssl rand -hex 32`).',
  );
  return { keyring, algorithm, failClosed };
}
