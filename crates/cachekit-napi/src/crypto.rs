//! Stateless crypto entry points: HKDF domain keys, fingerprints, AAD and AES-256-GCM with a
//! caller-held key (for vectors and direct use; application code should use TenantKeys).

use napi::bindgen_prelude::Uint8ArraySlice;
use napi::Env;
use napi_derive::napi;

use cachekit_core::crypto::{self, direct, AadFields, Algorithm};

use crate::error::{IntoJsResult, JsError};
use crate::out_buffer::{copy_to_buffer, output_bytes, OutBuffer};

/// HKDF-SHA256 key for `domain` (1–255 bytes) and `tenantSalt` (1–1024 bytes) from a
/// 32-byte master key, with the cachekit salt layout. Returns the 32 key bytes.
#[napi(ts_return_type = "Buffer")]
pub fn derive_domain_key(
    env: Env,
    master_key: &[u8],
    domain: String,
    tenant_salt: &[u8],
) -> Result<OutBuffer, JsError> {
    let key = crypto::derive_domain_key(master_key, &domain, tenant_salt).into_js()?;
    copy_to_buffer(&env, key.as_ref())
}

/// First 16 bytes of SHA-256("key_fingerprint_v1" ‖ key): names a key without revealing it.
#[napi(ts_return_type = "Buffer")]
pub fn key_fingerprint(env: Env, key: &[u8]) -> Result<OutBuffer, JsError> {
    copy_to_buffer(&env, &crypto::key_fingerprint(key))
}

/// Seals with AES-256-GCM under a 32-byte `key` into `out` (plaintext length + 28):
/// `nonce ‖ ciphertext ‖ tag`, the nonce from the process-wide counter sequence.
#[napi]
pub fn encrypt_aes_gcm_into(
    plaintext: &[u8],
    key: &[u8],
    aad: &[u8],
    mut out: Uint8ArraySlice,
) -> Result<(), JsError> {
    direct::encrypt_aes_gcm_into(plaintext, key, aad, output_bytes(&mut out)).into_js()
}

/// Verifies and decrypts AES-256-GCM `nonce ‖ ciphertext ‖ tag` under a 32-byte `key` into
/// `out` (ciphertext length - 28).
#[napi]
pub fn decrypt_aes_gcm_into(
    ciphertext: &[u8],
    key: &[u8],
    aad: &[u8],
    mut out: Uint8ArraySlice,
) -> Result<(), JsError> {
    direct::decrypt_aes_gcm_into(ciphertext, key, aad, output_bytes(&mut out)).into_js()
}

/// Writes AAD v0x03 into `out`, whose length the caller computed as
/// `1 + Σ (4 + UTF-8 length)` over the components present.
#[napi]
pub fn create_aad_into(
    tenant_id: String,
    cache_key: String,
    format: String,
    compressed: bool,
    original_type: Option<String>,
    mut out: Uint8ArraySlice,
) -> Result<(), JsError> {
    let aad = crypto::create_aad(&AadFields {
        tenant_id: &tenant_id,
        cache_key: &cache_key,
        format: &format,
        compressed,
        original_type: original_type.as_deref(),
    })
    .into_js()?;
    let out = output_bytes(&mut out);
    if out.len() != aad.len() {
        return Err(JsError::new(
            "ERR_INVALID_ARGUMENT",
            format!("AAD is {} bytes but the output is {}", aad.len(), out.len()),
        ));
    }
    out.copy_from_slice(&aad);
    Ok(())
}

/// The numeric id `TenantKeyHandle` methods take for an algorithm name: 0 for
/// `aes-256-gcm`, 1 for `chacha20-poly1305`; any other name is `ERR_UNKNOWN_ALGORITHM`.
#[napi]
pub fn aead_algorithm_id(name: String) -> Result<u32, JsError> {
    match name.parse::<Algorithm>().into_js()? {
        Algorithm::Aes256Gcm => Ok(0),
        Algorithm::ChaCha20Poly1305 => Ok(1),
    }
}
