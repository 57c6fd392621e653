//! Per-tenant keys: the current master key's `encryption`, `authentication` and `cache_keys`
//! domain keys, plus the encryption keys of up to three previous master keys, which decrypt
//! but never encrypt. Selection among them is by fingerprint, never by trial decryption.

use super::aead::{opened_len, sealed_len, AeadKey, Algorithm};
use super::error::CryptoError;
use super::kdf::{derive_domain_key, key_fingerprint, DerivedKey};
use super::key_set::{key_holder_debug, TenantKeySet};
use super::nonce::NonceSequence;
use crate::output::check_output_len;

/// Domain of the data encryption key.
pub const ENCRYPTION_DOMAIN: &str = "encryption";
/// Domain of the authentication key (derived for parity with the protocol; unused for data).
pub const AUTHENTICATION_DOMAIN: &str = "authentication";
/// Domain of the cache-key salt (derived for parity with the protocol; unused for data).
pub const CACHE_KEYS_DOMAIN: &str = "cache_keys";

/// A tenant's keys. Key bytes never leave this value (only fingerprints do), and every key
/// and cipher state is zeroised when it is dropped.
pub struct TenantKeys {
    /// Encryption keys, each keyed for both AEADs.
    keys: TenantKeySet<AeadKey>,
    authentication: DerivedKey,
    cache_keys: DerivedKey,
    nonces: NonceSequence,
}

key_holder_debug!(TenantKeys);

impl TenantKeys {
    /// Derives a tenant's keys from a 32-byte master key and up to three previous 32-byte
    /// master keys, all distinct and none all zero. `tenant_id` (1–1024 UTF-8 bytes) is the HKDF tenant salt.
    pub fn derive(
        master_key: &[u8],
        tenant_id: &str,
        previous_master_keys: &[&[u8]],
    ) -> Result<Self, CryptoError> {
        let keys = TenantKeySet::derive(
            master_key,
            tenant_id,
            previous_master_keys,
            ENCRYPTION_DOMAIN,
            |key| AeadKey::new(key.as_ref()),
        )?;
        let salt = tenant_id.as_bytes();
        Ok(Self {
            keys,
            authentication: derive_domain_key(master_key, AUTHENTICATION_DOMAIN, salt)?,
            cache_keys: derive_domain_key(master_key, CACHE_KEYS_DOMAIN, salt)?,
            nonces: NonceSequence::new()?,
        })
    }

    /// The tenant these keys belong to.
    pub fn tenant_id(&self) -> &str {
        self.keys.tenant_id()
    }

    /// Fingerprint of the current derived encryption key.
    pub fn fingerprint(&self) -> [u8; 16] {
        self.keys.current().fingerprint
    }

    /// Fingerprints of every derived encryption key: current first, then previous keys in the
    /// order given.
    pub fn fingerprints(&self) -> Vec<[u8; 16]> {
        self.keys.fingerprints()
    }

    /// Fingerprint of the authentication domain key.
    pub fn authentication_fingerprint(&self) -> [u8; 16] {
        key_fingerprint(self.authentication.as_ref())
    }

    /// Fingerprint of the cache-keys domain key.
    pub fn cache_keys_fingerprint(&self) -> [u8; 16] {
        key_fingerprint(self.cache_keys.as_ref())
    }

    /// Encrypts under the current key with the next counter nonce, into `out`
    /// (exactly `plaintext.len() + 28` bytes).
    pub fn encrypt_into(
        &self,
        plaintext: &[u8],
        aad: &[u8],
        algorithm: Algorithm,
        out: &mut [u8],
    ) -> Result<(), CryptoError> {
        check_output_len(out, sealed_len(plaintext.len())?)?;
        let nonce = self.nonces.next()?;
        self.keys
            .current()
            .key
            .seal_into(algorithm, &nonce, plaintext, aad, out)
    }

    /// Encrypts under the current key into a new Vec.
    pub fn encrypt(
        &self,
        plaintext: &[u8],
        aad: &[u8],
        algorithm: Algorithm,
    ) -> Result<Vec<u8>, CryptoError> {
        CryptoError::filled(sealed_len(plaintext.len())?, |out| {
            self.encrypt_into(plaintext, aad, algorithm, out)
        })
    }

    /// Decrypts with the current key into `out` (exactly `ciphertext.len() - 28` bytes).
    pub fn decrypt_into(
        &self,
        ciphertext: &[u8],
        aad: &[u8],
        algorithm: Algorithm,
        out: &mut [u8],
    ) -> Result<(), CryptoError> {
        self.keys
            .current()
            .key
            .open_into(algorithm, ciphertext, aad, out)
    }

    /// Decrypts with the current key into a new Vec.
    pub fn decrypt(
        &self,
        ciphertext: &[u8],
        aad: &[u8],
        algorithm: Algorithm,
    ) -> Result<Vec<u8>, CryptoError> {
        CryptoError::filled(opened_len(ciphertext.len())?, |out| {
            self.decrypt_into(ciphertext, aad, algorithm, out)
        })
    }

    /// Decrypts with the key whose fingerprint is `fingerprint` into `out`; a fingerprint no
    /// key has is [`CryptoError::UnknownKeyFingerprint`] (no other key is tried).
    pub fn decrypt_with_into(
        &self,
        fingerprint: &[u8],
        ciphertext: &[u8],
        aad: &[u8],
        algorithm: Algorithm,
        out: &mut [u8],
    ) -> Result<(), CryptoError> {
        let named = self.keys.by_fingerprint(fingerprint)?;
        named.key.open_into(algorithm, ciphertext, aad, out)
    }

    /// [`Self::decrypt_with_into`] into a new Vec.
    pub fn decrypt_with(
        &self,
        fingerprint: &[u8],
        ciphertext: &[u8],
        aad: &[u8],
        algorithm: Algorithm,
    ) -> Result<Vec<u8>, CryptoError> {
        CryptoError::filled(opened_len(ciphertext.len())?, |out| {
            self.decrypt_with_into(fingerprint, ciphertext, aad, algorithm, out)
        })
    }
}
