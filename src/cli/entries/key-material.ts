/**
 * The master keys the CLI checks and opens protected entries with, loaded the way a cache loads
 * them (`--master-key`, else `CACHEKIT_MASTER_KEY`; previous keys of a rotation from
 * `CACHEKIT_PREVIOUS_MASTER_KEYS`): straight into a native keyring, so no key bytes stay in
 * JavaScript and no message ever shows one. The steps are the library's own: the sealed-frame
 * encryptor, the keyed-integrity authenticator and the interop encryptor.
 */
import { createTenantKeysEncryptor } from '../../encryption/tenant-keys-encryptor';
import type { ValueEncryptor } from '../../encryption/value-encryptor';
import { createFramedEncryptor, type FramedEncryptor } from '../../encryption/framed-encryptor';
import { createKeyedAuthenticator, type KeyedAuthenticator } from '../../encryption/keyed-integrity';
import { loadConfiguredKeyring } from '../../encryption/master-key';
import { ConfigurationError } from '../../errors';
import { DEFAULT_TENANT } from '../../tenancy/tenant-option';
import { CliError, ExitCode } from '../exit-codes';

/** The steps that open protected entries, all under one keyring. */
export interface KeyMaterial {
  /** Default-mode encrypted entries (sealed frames). */
  readonly sealed: FramedEncryptor;
  /** Default-mode keyed-integrity entries (MAC frames). */
  readonly keyed: KeyedAuthenticator;
  /** Encrypted interop entries (bare ciphertext). */
  readonly interop: ValueEncryptor;
  /** Tenant of interop entries, whose keys name none. */
  readonly interopTenant: string;
}

/** Loads the master keys, or returns undefined when none is configured. Bad keys are USAGE errors. */
export function loadKeyMaterial(masterKey: string | undefined, tenant: string | undefined, env: NodeJS.ProcessEnv): KeyMaterial | undefined {
  const fromEnv = env.CACHEKIT_MASTER_KEY?.trim();
  const current = masterKey ?? (fromEnv === '' ? undefined : fromEnv);
  if (current === undefined) return undefined;
  try {
    const keyring = loadConfiguredKeyring(current, env.CACHEKIT_PREVIOUS_MASTER_KEYS, {
      current: masterKey !== undefined ? '--master-key' : 'CACHEKIT_MASTER_KEY',
      previous: 'CACHEKIT_PREVIOUS_MASTER_KEYS',
    });
    return {
      // The algorithm is only used to seal; reads take it from each frame's header.
      sealed: createFramedEncryptor({ keyring, algorithm: 'aes-256-gcm', failClosed: false }),
      keyed: createKeyedAuthenticator(keyring),
      interop: createTenantKeysEncryptor({ keyring }),
      interopTenant: tenant ?? DEFAULT_TENANT,
    };
  } catch (error) {
    if (error instanceof ConfigurationError) throw new CliError(error.message, ExitCode.USAGE);
    throw error;
  }
}
