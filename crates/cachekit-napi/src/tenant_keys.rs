//! The `TenantKeys` handle: a tenant's derived keys live only in Rust (zeroised on drop);
//! JavaScript holds an opaque object that can encrypt, decrypt and name keys by fingerprint.

use napi::bindgen_prelude::Uint8Array;
use napi::Env;
use napi_derive::napi;

use cachekit_core::crypto::aead::{opened_len, sealed_len};
use cachekit_core::crypto::{self, Algorithm, CryptoError};
use cachekit_core::hash::to_lower_hex;

use crate::error::{IntoJsError, JsError};
use crate::out_buffer::{with_out_buffer, OutBuffer};

fn parse_algorithm(name: Option<String>) -> Result<Algorithm, JsError> {
    match name {
        None => Ok(Algorithm::default()),
        Some(name) => name.parse().map_err(IntoJsError::into_js),
    }
}

/// Options of `deriveTenantKeys`.
#[napi(object, object_to_js = false)]
pub struct DeriveTenantKeysOptions {
    /// Up to three earlier 32-byte master keys whose derived keys still decrypt (never
    /// encrypt), for key rotation. None may repeat the current key or each other.
    pub previous_master_keys: Option<Vec<Uint8Array>>,
}

/// What `JSON.stringify` shows of a TenantKeys: never key bytes.
#[napi(object, object_from_js = false)]
pub struct TenantKeysDescription {
    /// The tenant the keys belong to.
    pub tenant_id: String,
    /// Lowercase hex fingerprint of the current encryption key.
    pub fingerprint: String,
    /// How many previous master keys can still decrypt.
    pub previous_keys: u32,
}

/// A tenant's keys, derived by `deriveTenantKeys`. Key bytes never reach JavaScript.
#[napi]
pub struct TenantKeys {
    inner: crypto::TenantKeys,
}

/// Derives a tenant's keys from a 32-byte master key: HKDF-SHA256 keys for the domains
/// `encryption`, `authentication` and `cache_keys`, salted with the UTF-8 `tenantId`
/// (1–1024 bytes), plus decrypt-only keys from `options.previousMasterKeys`.
#[napi]
pub fn derive_tenant_keys(
    master_key: &[u8],
    tenant_id: String,
    options: Option<DeriveTenantKeysOptions>,
) -> Result<TenantKeys, JsError> {
    let previous = options
        .and_then(|options| options.previous_master_keys)
        .unwrap_or_default();
    let previous: Vec<&[u8]> = previous.iter().map(|key| key.as_ref()).collect();
    let inner = crypto::TenantKeys::derive(master_key, &tenant_id, &previous)
        .map_err(IntoJsError::into_js)?;
    Ok(TenantKeys { inner })
}

#[napi]
impl TenantKeys {
    /// The tenant these keys belong to.
    #[napi(getter)]
    pub fn tenant_id(&self) -> String {
        self.inner.tenant_id().to_owned()
    }

    /// Encrypts under the current key: `nonce(12) ‖ ciphertext ‖ tag(16)`, each nonce unique
    /// for this handle (an error once 2^32 - 1 are used; derive a new handle then).
    #[napi(ts_return_type = "Buffer")]
    pub fn encrypt(
        &self,
        env: Env,
        plaintext: &[u8],
        aad: &[u8],
        #[napi(ts_arg_type = "'aes-256-gcm' | 'chacha20-poly1305'")] algorithm: Option<String>,
    ) -> Result<OutBuffer, JsError> {
        let algorithm = parse_algorithm(algorithm)?;
        let len = sealed_len(plaintext.len()).map_err(IntoJsError::into_js)?;
        with_out_buffer(
            &env,
            len,
            |out| self.inner.encrypt_into(plaintext, aad, algorithm, out),
            IntoJsError::into_js,
        )
    }

    /// Verifies and decrypts with the current key.
    #[napi(ts_return_type = "Buffer")]
    pub fn decrypt(
        &self,
        env: Env,
        ciphertext: &[u8],
        aad: &[u8],
        #[napi(ts_arg_type = "'aes-256-gcm' | 'chacha20-poly1305'")] algorithm: Option<String>,
    ) -> Result<OutBuffer, JsError> {
        let algorithm = parse_algorithm(algorithm)?;
        let len = opened_len(ciphertext.len()).map_err(IntoJsError::into_js)?;
        with_out_buffer(
            &env,
            len,
            |out| self.inner.decrypt_into(ciphertext, aad, algorithm, out),
            IntoJsError::into_js,
        )
    }

    /// Verifies and decrypts with the key whose fingerprint is `fingerprint` (current or
    /// previous); an unknown fingerprint is `ERR_UNKNOWN_KEY_FINGERPRINT`, and no other key is
    /// tried.
    #[napi(ts_return_type = "Buffer")]
    pub fn decrypt_with(
        &self,
        env: Env,
        fingerprint: &[u8],
        ciphertext: &[u8],
        aad: &[u8],
        #[napi(ts_arg_type = "'aes-256-gcm' | 'chacha20-poly1305'")] algorithm: Option<String>,
    ) -> Result<OutBuffer, JsError> {
        let algorithm = parse_algorithm(algorithm)?;
        let len = opened_len(ciphertext.len()).map_err(IntoJsError::into_js)?;
        with_out_buffer(
            &env,
            len,
            |out| {
                self.inner
                    .decrypt_with_into(fingerprint, ciphertext, aad, algorithm, out)
            },
            IntoJsError::into_js,
        )
    }

    /// Fingerprint (16 bytes) of the current derived encryption key.
    #[napi(ts_return_type = "Buffer")]
    pub fn fingerprint(&self, env: Env) -> Result<OutBuffer, JsError> {
        fingerprint_buffer(&env, &self.inner.fingerprint())
    }

    /// Fingerprints of every derived encryption key: current first, then the previous keys in
    /// the order given.
    #[napi(ts_return_type = "Buffer[]")]
    pub fn fingerprints(&self, env: Env) -> Result<Vec<OutBuffer>, JsError> {
        self.inner
            .fingerprints()
            .iter()
            .map(|fingerprint| fingerprint_buffer(&env, fingerprint))
            .collect()
    }

    /// What `JSON.stringify` writes: tenant id, current fingerprint and the number of
    /// previous keys — never key material.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> TenantKeysDescription {
        TenantKeysDescription {
            tenant_id: self.inner.tenant_id().to_owned(),
            fingerprint: to_lower_hex(&self.inner.fingerprint()),
            previous_keys: (self.inner.fingerprints().len() - 1) as u32,
        }
    }
}

fn fingerprint_buffer(env: &Env, fingerprint: &[u8; 16]) -> Result<OutBuffer, JsError> {
    with_out_buffer(
        env,
        fingerprint.len(),
        |out| {
            out.copy_from_slice(fingerprint);
            Ok::<(), CryptoError>(())
        },
        IntoJsError::into_js,
    )
}
