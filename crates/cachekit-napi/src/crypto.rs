//! Stateless crypto entry points: HKDF domain keys, fingerprints, AAD and AES-256-GCM with a
//! caller-held key (for vectors and direct use; application code should use TenantKeys).

use napi::Env;
use napi_derive::napi;

use cachekit_core::crypto::aead::{opened_len, sealed_len};
use cachekit_core::crypto::{self, direct, AadFields};

use crate::error::{IntoJsError, JsError};
use crate::out_buffer::{with_out_buffer, OutBuffer};

/// HKDF-SHA256 key for `domain` (1–255 bytes) and `tenantSalt` (1–1024 bytes) from a
/// 32-byte master key, with the cachekit salt layout. Returns the 32 key bytes.
#[napi(ts_return_type = "Buffer")]
pub fn derive_domain_key(
    env: Env,
    master_key: &[u8],
    domain: String,
    tenant_salt: &[u8],
) -> Result<OutBuffer, JsError> {
    let key = crypto::derive_domain_key(master_key, &domain, tenant_salt)
        .map_err(IntoJsError::into_js)?;
    with_out_buffer(
        &env,
        key.len(),
        |out| {
            out.copy_from_slice(key.as_ref());
            Ok::<(), crypto::CryptoError>(())
        },
        IntoJsError::into_js,
    )
}

/// First 16 bytes of SHA-256("key_fingerprint_v1" ‖ key): names a key without revealing it.
#[napi(ts_return_type = "Buffer")]
pub fn key_fingerprint(env: Env, key: &[u8]) -> Result<OutBuffer, JsError> {
    let fingerprint = crypto::key_fingerprint(key);
    with_out_buffer(
        &env,
        fingerprint.len(),
        |out| {
            out.copy_from_slice(&fingerprint);
            Ok::<(), crypto::CryptoError>(())
        },
        IntoJsError::into_js,
    )
}

/// AES-256-GCM under a 32-byte `key`: `nonce(12) ‖ ciphertext ‖ tag(16)`, with a nonce from
/// the process-wide counter sequence.
#[napi(ts_return_type = "Buffer")]
pub fn encrypt_aes_gcm(
    env: Env,
    plaintext: &[u8],
    key: &[u8],
    aad: &[u8],
) -> Result<OutBuffer, JsError> {
    let len = sealed_len(plaintext.len()).map_err(IntoJsError::into_js)?;
    with_out_buffer(
        &env,
        len,
        |out| direct::encrypt_aes_gcm_into(plaintext, key, aad, out),
        IntoJsError::into_js,
    )
}

/// Verifies and decrypts `nonce ‖ ciphertext ‖ tag` with AES-256-GCM under a 32-byte `key`.
#[napi(ts_return_type = "Buffer")]
pub fn decrypt_aes_gcm(
    env: Env,
    ciphertext: &[u8],
    key: &[u8],
    aad: &[u8],
) -> Result<OutBuffer, JsError> {
    let len = opened_len(ciphertext.len()).map_err(IntoJsError::into_js)?;
    with_out_buffer(
        &env,
        len,
        |out| direct::decrypt_aes_gcm_into(ciphertext, key, aad, out),
        IntoJsError::into_js,
    )
}

/// The fields an AAD v0x03 binds a ciphertext to.
#[napi(object, object_to_js = false)]
pub struct AadInput {
    /// Tenant the value belongs to (`"default"` in single-tenant mode). Must not be empty.
    pub tenant_id: String,
    /// The logical cache key, without any backend prefix. Must not be empty.
    pub cache_key: String,
    /// Serializer format token: `msgpack`, `orjson`, `arrow`, ...
    pub format: String,
    /// Whether the plaintext is a compressed envelope.
    pub compressed: bool,
    /// Fifth component, written only when present and non-empty (cachekit-py's auto mode).
    pub original_type: Option<String>,
}

/// AAD v0x03 bytes: `0x03`, then each component as u32-BE length ‖ UTF-8.
#[napi(ts_return_type = "Buffer")]
pub fn create_aad(env: Env, input: AadInput) -> Result<OutBuffer, JsError> {
    let aad = crypto::create_aad(&AadFields {
        tenant_id: &input.tenant_id,
        cache_key: &input.cache_key,
        format: &input.format,
        compressed: input.compressed,
        original_type: input.original_type.as_deref(),
    })
    .map_err(IntoJsError::into_js)?;
    with_out_buffer(
        &env,
        aad.len(),
        |out| {
            out.copy_from_slice(&aad);
            Ok::<(), crypto::CryptoError>(())
        },
        IntoJsError::into_js,
    )
}
