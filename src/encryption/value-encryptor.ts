/**
 * The step around the envelope, as the codec sees it: a `ValueEncryptor` (encrypted caches)
 * or a `ValueAuthenticator` (keyed integrity for plaintext caches), both bound to the entry's
 * context. The implementations are beside this file: `framed-encryptor.ts` (default mode),
 * `tenant-keys-encryptor.ts` (interop mode, tools) and `keyed-integrity.ts`.
 */

/**
 * The entry stored bytes belong to: the one context type of the value path. The cache makes
 * one per stored key (`cache/entry-contexts.ts`); the codec binds key-bound envelopes to it,
 * encryption and keyed integrity their AAD.
 */
export interface EntryContext {
  /** The logical cache key (never a backend-prefixed or tenant-scoped one). */
  readonly key: string;
  /** The tenant; `"default"` (single-tenant mode) when absent. */
  readonly tenant?: string | undefined;
}

/** The tenant of `context`, `"default"` when it names none. */
export function tenantOf(context: EntryContext): string {
  return context.tenant ?? 'default';
}

/** What the stored plaintext is, as the AAD binds it: fixed per codec, not per entry. */
export interface EntryLayout {
  /** The serializer's format tag (`msgpack`, `json`, …). */
  readonly format: string;
  /** Whether the plaintext is an integrity envelope (compressed). */
  readonly compressed: boolean;
}

/** Encrypts stored bytes and decrypts them back; both bound to the entry and the layout. */
export interface ValueEncryptor {
  /** The stored form of `plaintext`. */
  encrypt(plaintext: Buffer, context: EntryContext, layout: EntryLayout): Buffer;
  /** The plaintext of `stored`; throws `DecryptionError` when it does not authenticate. */
  decrypt(stored: Buffer, context: EntryContext, layout: EntryLayout): Buffer;
}

/** Signs stored bytes and verifies them back; both bound to the entry and the layout. */
export interface ValueAuthenticator {
  /** `envelope` in a frame whose tag binds it to the entry. */
  sign(envelope: Buffer, context: EntryContext, layout: EntryLayout): Buffer;
  /** The envelope inside `stored`; throws `IntegrityError` unless the tag verifies for this entry. */
  verify(stored: Buffer, context: EntryContext, layout: EntryLayout): Buffer;
}
