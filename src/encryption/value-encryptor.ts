/**
 * The step around the envelope, as the codec sees it: a `ValueEncryptor` (encrypted caches)
 * or a `ValueAuthenticator` (keyed integrity for plaintext caches), both bound to the entry's
 * context. The implementations are beside this file: `framed-encryptor.ts` (default mode),
 * `tenant-keys-encryptor.ts` (interop mode, tools) and `keyed-integrity.ts`.
 */

/** What one encryption or decryption is bound to. */
export interface EncryptionContext {
  /** The logical cache key (never a backend-prefixed or tenant-scoped one). */
  readonly key: string;
  /** The tenant (`"default"` in single-tenant mode). */
  readonly tenant: string;
  /** The serializer's format tag (`msgpack`, `json`, …). */
  readonly format: string;
  /** Whether the plaintext is an integrity envelope (compressed). */
  readonly compressed: boolean;
}

/** Encrypts stored bytes and decrypts them back; both bound to the context. */
export interface ValueEncryptor {
  /** The stored form of `plaintext`. */
  encrypt(plaintext: Buffer, context: EncryptionContext): Buffer;
  /** The plaintext of `stored`; throws `DecryptionError` when it does not authenticate. */
  decrypt(stored: Buffer, context: EncryptionContext): Buffer;
}

/** Signs stored bytes and verifies them back; both bound to the context. */
export interface ValueAuthenticator {
  /** `envelope` in a frame whose tag binds it to the context. */
  sign(envelope: Buffer, context: EncryptionContext): Buffer;
  /** The envelope inside `stored`; throws `IntegrityError` unless the tag verifies for this context. */
  verify(stored: Buffer, context: EncryptionContext): Buffer;
}
