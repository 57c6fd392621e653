/**
 * The native core (Rust, through N-API): the surface the rest of the library uses, also
 * published as `cachekit/native`. The wrappers are in `src/native/` (`binding.ts` is the only
 * module that loads the generated binding).
 *
 * Everything here is byte-level and byte-exact with the cachekit protocol: the ByteStorage
 * envelope (LZ4 block + xxHash3-64, MessagePack), AES-256-GCM / ChaCha20-Poly1305 under
 * HKDF-SHA256 tenant keys with AAD v0x03, and the digests the protocol uses. Inputs are read
 * in place from any `Uint8Array` (Buffers included); outputs are fresh Buffers.
 *
 * Every error thrown (or rejected) here is an `Error` whose `code` is one of
 * {@link NativeErrorCode} and whose message says what was wrong.
 */
export { NativeErrorCode } from './error-codes';
export { isNativeError } from './native/binding';
export { ASYNC_THRESHOLD_BYTES, ByteStorage, limits, type EnvelopeDescription, type RetrievedEnvelope } from './native/byte-storage';
export { TenantKeys, deriveTenantKeys, type AeadAlgorithm, type DeriveTenantKeysOptions, type TenantKeysDescription } from './native/tenant-keys';
export { MAC_FRAME_OVERHEAD, TenantMacKeys, macFrameFingerprint } from './native/mac-keys';
export { MasterKeyring, loadMasterKeyring, type FailedKey, type MasterKeyInput } from './native/master-keyring';
export {
  blake2b128,
  blake2b256,
  blake2b256Hex,
  createAad,
  decryptAesGcm,
  deriveDomainKey,
  encryptAesGcm,
  keyFingerprint,
  xxh3_64,
  type AadInput,
} from './native/primitives';
