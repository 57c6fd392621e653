//! AES-256-GCM and ChaCha20-Poly1305 with the protocol's layout
//! `nonce(12) ‖ ciphertext ‖ tag(16)`. Readers never look inside the nonce.

use std::str::FromStr;

use aes_gcm::aead::generic_array::GenericArray;
use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::Aes256Gcm;
use chacha20poly1305::ChaCha20Poly1305;

use super::error::CryptoError;
use super::nonce::NONCE_LEN;
use crate::limits::MAX_UNCOMPRESSED_SIZE;
use crate::output::check_output_len;

/// Authentication tag length of both AEADs.
pub const TAG_LEN: usize = 16;

/// Bytes a ciphertext adds to its plaintext: nonce + tag.
pub const OVERHEAD: usize = NONCE_LEN + TAG_LEN;

/// AEAD key length of both algorithms.
pub const KEY_LEN: usize = 32;

/// Which AEAD seals a value. AES-256-GCM is the protocol's default and the only one other
/// SDKs read; ChaCha20-Poly1305 is for deployments that choose it on both ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algorithm {
    /// AES-256-GCM (hardware AES and carry-less multiply where the CPU has them).
    #[default]
    Aes256Gcm,
    /// ChaCha20-Poly1305.
    ChaCha20Poly1305,
}

impl Algorithm {
    /// The name JavaScript uses: `aes-256-gcm` or `chacha20-poly1305`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Aes256Gcm => "aes-256-gcm",
            Self::ChaCha20Poly1305 => "chacha20-poly1305",
        }
    }
}

impl FromStr for Algorithm {
    type Err = CryptoError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "aes-256-gcm" => Ok(Self::Aes256Gcm),
            "chacha20-poly1305" => Ok(Self::ChaCha20Poly1305),
            other => Err(CryptoError::UnknownAlgorithm {
                name: other.to_owned(),
            }),
        }
    }
}

/// Ciphertext length for a plaintext of `plaintext_len` bytes (checked against the cap).
pub fn sealed_len(plaintext_len: usize) -> Result<usize, CryptoError> {
    CryptoError::check_input_size(plaintext_len, MAX_UNCOMPRESSED_SIZE)?;
    Ok(plaintext_len + OVERHEAD)
}

/// Plaintext length inside a ciphertext of `ciphertext_len` bytes.
pub fn opened_len(ciphertext_len: usize) -> Result<usize, CryptoError> {
    ciphertext_len
        .checked_sub(OVERHEAD)
        .ok_or(CryptoError::CiphertextTooShort {
            actual: ciphertext_len,
            minimum: OVERHEAD,
        })
}

fn check_key(key: &[u8]) -> Result<(), CryptoError> {
    CryptoError::check_key_len("AEAD key", KEY_LEN, key)
}

/// One 32-byte key, keyed for both algorithms once so repeated calls skip the key schedule.
/// The cipher states zeroise themselves on drop (the `zeroize` features of aes/ghash/polyval
/// and chacha20poly1305's own Drop).
pub struct AeadKey {
    aes: Aes256Gcm,
    chacha: ChaCha20Poly1305,
}

impl std::fmt::Debug for AeadKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AeadKey(<redacted>)")
    }
}

impl AeadKey {
    /// Keys both ciphers with `key`, which must be exactly 32 bytes.
    pub fn new(key: &[u8]) -> Result<Self, CryptoError> {
        check_key(key)?;
        let key = GenericArray::from_slice(key);
        Ok(Self {
            aes: Aes256Gcm::new(key),
            chacha: ChaCha20Poly1305::new(key),
        })
    }

    /// Seals `plaintext` under `nonce` into `out` (exactly `sealed_len(plaintext.len())` bytes).
    pub fn seal_into(
        &self,
        algorithm: Algorithm,
        nonce: &[u8; NONCE_LEN],
        plaintext: &[u8],
        aad: &[u8],
        out: &mut [u8],
    ) -> Result<(), CryptoError> {
        match algorithm {
            Algorithm::Aes256Gcm => seal_into(&self.aes, nonce, plaintext, aad, out),
            Algorithm::ChaCha20Poly1305 => seal_into(&self.chacha, nonce, plaintext, aad, out),
        }
    }

    /// Opens `ciphertext` into `out` (exactly `opened_len(ciphertext.len())` bytes).
    pub fn open_into(
        &self,
        algorithm: Algorithm,
        ciphertext: &[u8],
        aad: &[u8],
        out: &mut [u8],
    ) -> Result<(), CryptoError> {
        match algorithm {
            Algorithm::Aes256Gcm => open_into(&self.aes, ciphertext, aad, out),
            Algorithm::ChaCha20Poly1305 => open_into(&self.chacha, ciphertext, aad, out),
        }
    }
}

/// AES-256-GCM with a caller-supplied key, keyed for this one call.
pub fn aes_gcm_for(key: &[u8]) -> Result<Aes256Gcm, CryptoError> {
    check_key(key)?;
    Ok(Aes256Gcm::new(GenericArray::from_slice(key)))
}

/// Lays out `nonce ‖ ciphertext ‖ tag` in `out`, encrypting in place (one output buffer, no
/// intermediate copies).
pub fn seal_into<C: AeadInPlace>(
    cipher: &C,
    nonce: &[u8; NONCE_LEN],
    plaintext: &[u8],
    aad: &[u8],
    out: &mut [u8],
) -> Result<(), CryptoError> {
    check_output_len(out, sealed_len(plaintext.len())?)?;
    let (nonce_out, rest) = out.split_at_mut(NONCE_LEN);
    let (body, tag_out) = rest.split_at_mut(plaintext.len());
    nonce_out.copy_from_slice(nonce);
    body.copy_from_slice(plaintext);
    let tag = cipher
        .encrypt_in_place_detached(GenericArray::from_slice(nonce), aad, body)
        .map_err(|_| CryptoError::EncryptionFailed)?;
    tag_out.copy_from_slice(&tag);
    Ok(())
}

/// Verifies and decrypts `nonce ‖ ciphertext ‖ tag` into `out`; on failure `out` is zeroed so
/// no unauthenticated byte survives.
pub fn open_into<C: AeadInPlace>(
    cipher: &C,
    ciphertext: &[u8],
    aad: &[u8],
    out: &mut [u8],
) -> Result<(), CryptoError> {
    let body_len = opened_len(ciphertext.len())?;
    check_output_len(out, body_len)?;
    let (nonce, rest) = ciphertext.split_at(NONCE_LEN);
    let (body, tag) = rest.split_at(body_len);
    out.copy_from_slice(body);
    let verified = cipher.decrypt_in_place_detached(
        GenericArray::from_slice(nonce),
        aad,
        out,
        GenericArray::from_slice(tag),
    );
    if verified.is_err() {
        out.fill(0);
        return Err(CryptoError::AuthenticationFailed);
    }
    Ok(())
}

/// `seal_into` into a new Vec.
pub fn seal<C: AeadInPlace>(
    cipher: &C,
    nonce: &[u8; NONCE_LEN],
    plaintext: &[u8],
    aad: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let mut out = vec![0u8; sealed_len(plaintext.len())?];
    seal_into(cipher, nonce, plaintext, aad, &mut out)?;
    Ok(out)
}

/// `open_into` into a new Vec.
pub fn open<C: AeadInPlace>(
    cipher: &C,
    ciphertext: &[u8],
    aad: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let mut out = vec![0u8; opened_len(ciphertext.len())?];
    open_into(cipher, ciphertext, aad, &mut out)?;
    Ok(out)
}
