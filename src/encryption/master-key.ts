/**
 * Master keys from configuration, loaded straight into a native keyring: hex is parsed in Rust
 * (strictly: exactly 64 hex digits; Node's `Buffer.from(hex)` silently stops at the first bad
 * character, and a decoded copy would stay in JavaScript memory), bytes are copied into Rust and
 * the caller's Buffer is not kept. Nothing here holds a key after it returns. Error messages
 * name the option or environment variable and the fix, never the key.
 */
import { ConfigurationError } from '../errors';
import { type FailedKey, type MasterKeyring, type MasterKeyInput, NativeErrorCode, isNativeError, loadMasterKeyring } from '../native';

/** Master keys are exactly this many bytes. */
export const MASTER_KEY_BYTES = 32;
/** At most this many previous keys stay readable during a rotation. */
export const MAX_PREVIOUS_MASTER_KEYS = 3;

const KEY_FIX = 'Fix: generate one with `openssl rand -hex 32`.';

/** How a keyring's keys were configured, for error messages (e.g. `CACHEKIT_MASTER_KEY`). */
export interface KeySources {
  /** Where the current key came from. */
  readonly current: string;
  /** Where the previous keys came from; errors add `[index]`. */
  readonly previous: string;
}

function checkKeyType(input: unknown, source: string): asserts input is MasterKeyInput {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw new ConfigurationError(`${source} must be a 64-character hex string or ${MASTER_KEY_BYTES} bytes; got ${typeof input}.`);
  }
}

/** The previous keys of a rotation as a list: a comma-separated string (as in the env) or an array. */
function previousItems(input: unknown, source: string): unknown[] {
  if (input === undefined || input === '') return [];
  const items: unknown[] = typeof input === 'string' ? input.split(',').map((s) => s.trim()) : Array.isArray(input) ? input : [input];
  if (items.length > MAX_PREVIOUS_MASTER_KEYS) {
    throw new ConfigurationError(`${source} lists ${items.length} keys; at most ${MAX_PREVIOUS_MASTER_KEYS} previous keys are allowed. Fix: drop the oldest.`);
  }
  return items;
}

function keyProblem(source: string, error: Error & { code: NativeErrorCode }): string {
  switch (error.code) {
    case NativeErrorCode.WEAK_MASTER_KEY:
      return `${source} is all zero bytes: a placeholder or an unfilled buffer, which anyone can guess, not a secret. ${KEY_FIX}`;
    case NativeErrorCode.DUPLICATE_MASTER_KEY:
      return `${source} cannot be used: ${error.message}. Fix: list only keys that were replaced, once each.`;
    case NativeErrorCode.INVALID_MASTER_KEY_HEX:
      return `${source} is not a valid master key (${error.message}; no spaces, prefixes or line breaks allowed). ${KEY_FIX}`;
    default:
      return `${source} is not a valid master key (${error.message}). ${KEY_FIX}`;
  }
}

/**
 * Loads the current key and the previous keys of a rotation (at most three, distinct, none
 * all zero) into a native keyring. `previous` is a comma-separated hex list (as in
 * `CACHEKIT_PREVIOUS_MASTER_KEYS`), an array, or undefined.
 */
export function loadConfiguredKeyring(current: unknown, previous: unknown, sources: KeySources): MasterKeyring {
  checkKeyType(current, sources.current);
  const items = previousItems(previous, sources.previous);
  items.forEach((item, index) => checkKeyType(item, `${sources.previous}[${index}]`));
  try {
    return loadMasterKeyring(current, items as MasterKeyInput[]);
  } catch (error) {
    if (!isNativeError(error)) throw error;
    const failedKey = (error as { failedKey?: FailedKey }).failedKey ?? 'current';
    const source = failedKey === 'current' ? sources.current : `${sources.previous}[${failedKey}]`;
    throw new ConfigurationError(keyProblem(source, error), { cause: error });
  }
}

/**
 * The keyring of an option group (`encryption` or `integrity`): its `masterKey` and
 * `previousMasterKeys`, each falling back to `CACHEKIT_MASTER_KEY` /
 * `CACHEKIT_PREVIOUS_MASTER_KEYS`. Throws `missing` when neither names a current key.
 */
export function loadOptionKeyring(
  opts: { readonly masterKey?: unknown; readonly previousMasterKeys?: unknown },
  env: Record<string, string | undefined>,
  group: string,
  missing: string,
): MasterKeyring {
  const envKey = env.CACHEKIT_MASTER_KEY?.trim();
  if (opts.masterKey === undefined && (envKey === undefined || envKey === '')) throw new ConfigurationError(missing);
  return loadConfiguredKeyring(opts.masterKey ?? envKey, opts.previousMasterKeys ?? env.CACHEKIT_PREVIOUS_MASTER_KEYS, {
    current: opts.masterKey !== undefined ? `Option \`${group}.masterKey\`` : 'CACHEKIT_MASTER_KEY',
    previous: opts.previousMasterKeys !== undefined ? `Option \`${group}.previousMasterKeys\`` : 'CACHEKIT_PREVIOUS_MASTER_KEYS',
  });
}
