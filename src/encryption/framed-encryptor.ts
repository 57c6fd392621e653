/**
 * Encryption of default-mode entries: AES-256-GCM (or ChaCha20-Poly1305) under the tenant's
 * derived key, AAD v0x03 over (tenant, logical key, format, compressed), in a sealed frame
 * that names the key's fingerprint. Reads select the key by that fingerprint — the current
 * key or one of the previous keys of a rotation — and never try keys one after another.
 */
import { DecryptionError, EncryptionError } from '../errors';
import { type EntryContext, type ValueEncryptor, tenantOf } from './value-encryptor';
import { isNativeError } from '../native';
import { createAadMemo } from './aad-memo';
import type { ResolvedEncryption } from './encryption-options';
import { parseSealed, sealedHeader } from './sealed-frame';
import { createTenantKeyring } from './tenant-keyring';

/** A ValueEncryptor that also tells whether an entry was sealed by a previous master key. */
export interface FramedEncryptor extends ValueEncryptor {
  /** True when `stored` is a sealed frame whose key is not the tenant's current key. */
  sealedWithPreviousKey(stored: Buffer, context: EntryContext): boolean;
}

/** Creates the encryptor of one encrypted cache. */
export function createFramedEncryptor(settings: ResolvedEncryption): FramedEncryptor {
  const keysFor = createTenantKeyring((tenant) => settings.keyring.deriveTenantKeys(tenant));
  const { algorithm } = settings;
  const aadFor = createAadMemo();
  return {
    encrypt(plaintext, context, layout) {
      const keys = keysFor(tenantOf(context));
      try {
        const ciphertext = keys.encrypt(plaintext, aadFor(context, layout, false), algorithm);
        return Buffer.concat([sealedHeader(algorithm, keys.fingerprint()), ciphertext]);
      } catch (error) {
        if (isNativeError(error)) throw new EncryptionError(`Cannot encrypt the value: ${error.message}`, { code: error.code, cause: error });
        throw error;
      }
    },
    decrypt(stored, context, layout) {
      const sealed = parseSealed(stored);
      try {
        return keysFor(tenantOf(context)).decryptWith(sealed.fingerprint, sealed.ciphertext, aadFor(context, layout, true), sealed.algorithm);
      } catch (error) {
        if (isNativeError(error)) {
          throw new DecryptionError(`The stored value does not decrypt for this key and tenant: ${error.message}`, { code: error.code, cause: error });
        }
        throw error;
      }
    },
    sealedWithPreviousKey(stored, context) {
      try {
        return !parseSealed(stored).fingerprint.equals(keysFor(tenantOf(context)).fingerprint());
      } catch {
        return false;
      }
    },
  };
}
