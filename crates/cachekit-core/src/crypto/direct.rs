//! AES-256-GCM with a caller-held key, for vectors and direct use. Nonces come from one
//! process-wide sequence, so they stay unique across every key this API is given.

use std::sync::OnceLock;

use super::aead::{aes_gcm_for, open_into, opened_len, seal_into, sealed_len};
use super::error::CryptoError;
use super::nonce::NonceSequence;

static PROCESS_NONCES: OnceLock<Result<NonceSequence, CryptoError>> = OnceLock::new();

fn process_nonces() -> Result<&'static NonceSequence, CryptoError> {
    PROCESS_NONCES
        .get_or_init(NonceSequence::new)
        .as_ref()
        .map_err(Clone::clone)
}

/// Encrypts with AES-256-GCM under `key` (exactly 32 bytes) into `out`
/// (exactly `plaintext.len() + 28` bytes): `nonce ‖ ciphertext ‖ tag`.
pub fn encrypt_aes_gcm_into(
    plaintext: &[u8],
    key: &[u8],
    aad: &[u8],
    out: &mut [u8],
) -> Result<(), CryptoError> {
    let cipher = aes_gcm_for(key)?;
    sealed_len(plaintext.len())?;
    let nonce = process_nonces()?.next()?;
    seal_into(&cipher, &nonce, plaintext, aad, out)
}

/// [`encrypt_aes_gcm_into`] into a new Vec.
pub fn encrypt_aes_gcm(plaintext: &[u8], key: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
    CryptoError::filled(sealed_len(plaintext.len())?, |out| {
        encrypt_aes_gcm_into(plaintext, key, aad, out)
    })
}

/// Decrypts `nonce ‖ ciphertext ‖ tag` with AES-256-GCM under `key` into `out`
/// (exactly `ciphertext.len() - 28` bytes).
pub fn decrypt_aes_gcm_into(
    ciphertext: &[u8],
    key: &[u8],
    aad: &[u8],
    out: &mut [u8],
) -> Result<(), CryptoError> {
    let cipher = aes_gcm_for(key)?;
    open_into(&cipher, ciphertext, aad, out)
}

/// [`decrypt_aes_gcm_into`] into a new Vec.
pub fn decrypt_aes_gcm(ciphertext: &[u8], key: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
    CryptoError::filled(opened_len(ciphertext.len())?, |out| {
        decrypt_aes_gcm_into(ciphertext, key, aad, out)
    })
}
