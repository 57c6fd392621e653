/**
 * The bare encryption step (interop mode and tools): the `ValueEncryptor` of
 * `value-encryptor.ts` on the native core: AES-256-GCM under
 * HKDF-derived per-tenant keys, with an AAD v0x03 that binds each ciphertext to its tenant,
 * its logical cache key, its format and whether it is an envelope, so a ciphertext copied
 * under another key or tenant never decrypts.
 */
import { DecryptionError, EncryptionError } from '../errors';
import { createAadMemo } from './aad-memo';
import { createTenantKeyring } from './tenant-keyring';
import { type ValueEncryptor, tenantOf } from './value-encryptor';
import { type AeadAlgorithm, type MasterKeyring, isNativeError, loadMasterKeyring } from '../native';

/** Options of {@link createTenantKeysEncryptor}: the master keys as bytes, or a loaded keyring. */
export type TenantKeysEncryptorOptions = TenantKeysEncryptorSettings &
  (
    | {
        /** The 32-byte master key; copied into Rust, so the caller may wipe it afterwards. */
        readonly masterKey: Uint8Array;
        /** Earlier master keys, still accepted for rotation (decrypt only); copied likewise. */
        readonly previousMasterKeys?: readonly Uint8Array[];
      }
    | {
        /** Master keys already loaded (see `loadMasterKeyring`). */
        readonly keyring: MasterKeyring;
      }
  );

/** Settings of {@link createTenantKeysEncryptor} besides the keys. */
export interface TenantKeysEncryptorSettings {
  /** AEAD algorithm; `aes-256-gcm` (default) is the one other SDKs read. */
  readonly algorithm?: AeadAlgorithm;
  /** How many tenants' derived keys to keep (the longest kept are dropped first). Default 1024, as for every cache. */
  readonly maxTenants?: number;
}

/**
 * A ValueEncryptor on native `TenantKeys`: stored bytes are `nonce(12) ‖ ciphertext ‖ tag(16)`,
 * the AAD is v0x03 over (tenant, logical key, format, compressed) — four components, as the TS
 * and Rust SDKs and interop mode write it.
 */
export function createTenantKeysEncryptor(options: TenantKeysEncryptorOptions): ValueEncryptor {
  const algorithm = options.algorithm ?? 'aes-256-gcm';
  // Loading checks every key now, so a bad master key fails when the cache is configured.
  const keyring = 'keyring' in options ? options.keyring : loadMasterKeyring(options.masterKey, options.previousMasterKeys ?? []);
  const keysFor = createTenantKeyring((tenant) => keyring.deriveTenantKeys(tenant), options.maxTenants);
  const aadFor = createAadMemo();

  return {
    encrypt(plaintext, context, layout) {
      try {
        return keysFor(tenantOf(context)).encrypt(plaintext, aadFor(context, layout, false), algorithm);
      } catch (error) {
        if (isNativeError(error)) throw new EncryptionError(`Cannot encrypt the value: ${error.message}`, { code: error.code, cause: error });
        throw error;
      }
    },
    decrypt(stored, context, layout) {
      try {
        return keysFor(tenantOf(context)).decrypt(stored, aadFor(context, layout, true), algorithm);
      } catch (error) {
        if (isNativeError(error)) {
          throw new DecryptionError(`Stored bytes did not decrypt for this key and tenant: ${error.message}`, {
            code: error.code,
            cause: error,
          });
        }
        throw error;
      }
    },
  };
}

