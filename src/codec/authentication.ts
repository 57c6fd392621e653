/**
 * The keyed-integrity step of the codec, for plaintext caches. The codec only knows this
 * interface; `createKeyedAuthenticator` (src/encryption/keyed-integrity.ts) implements it
 * with HMAC-SHA256 in the native core. It takes the place encryption takes in an encrypted
 * cache: around the envelope, bound to the same context.
 */
import type { EncryptionContext } from './encryption';

/** Signs stored bytes and verifies them back; both bound to the context. */
export interface ValueAuthenticator {
  /** `envelope` in a frame whose tag binds it to the context. */
  sign(envelope: Buffer, context: EncryptionContext): Buffer;
  /** The envelope inside `stored`; throws `IntegrityError` unless the tag verifies for this context. */
  verify(stored: Buffer, context: EncryptionContext): Buffer;
}
