/**
 * Keyed integrity of plaintext entries: each envelope is framed with an HMAC-SHA256 tag under
 * the tenant's MAC key (derived inside Rust from the master keyring, in a domain of its own),
 * bound by the AAD to tenant, logical key, format and compression. Reads verify with the key
 * the frame's fingerprint names — the current master key's or a previous one's — and refuse
 * anything without the frame, so whoever can write to the store can neither forge an entry,
 * move one to another key or tenant, nor downgrade it to an unkeyed envelope.
 */
import { type EntryContext, type ValueAuthenticator, tenantOf } from './value-encryptor';
import { IntegrityError, SerializationError } from '../errors';
import { type MasterKeyring, isNativeError } from '../native';
import { createAadMemo } from './aad-memo';
import { createTenantKeyring } from './tenant-keyring';

/** A ValueAuthenticator that also tells whether an entry was signed under a previous master key. */
export interface KeyedAuthenticator extends ValueAuthenticator {
  /** True when `stored` is a frame whose key is not the tenant's current MAC key. */
  sealedWithPreviousKey(stored: Buffer, context: EntryContext): boolean;
}

/** Creates the authenticator of one keyed-integrity cache. */
export function createKeyedAuthenticator(keyring: MasterKeyring): KeyedAuthenticator {
  const keysFor = createTenantKeyring((tenant) => keyring.deriveTenantMacKeys(tenant));
  const aadFor = createAadMemo();
  return {
    sign(envelope, context, layout) {
      try {
        return keysFor(tenantOf(context)).seal(envelope, aadFor(context, layout, false));
      } catch (error) {
        if (isNativeError(error)) throw new SerializationError(`Cannot sign the value: ${error.message}`, { code: error.code, cause: error });
        throw error;
      }
    },
    verify(stored, context, layout) {
      try {
        return keysFor(tenantOf(context)).verify(stored, aadFor(context, layout, true));
      } catch (error) {
        if (isNativeError(error)) {
          throw new IntegrityError(`The stored entry failed keyed integrity for this key and tenant: ${error.message}`, { code: error.code, cause: error });
        }
        throw error;
      }
    },
    sealedWithPreviousKey(stored, context) {
      return keysFor(tenantOf(context)).signedWithPreviousKey(stored);
    },
  };
}
