//! The tenant key handle: a tenant's derived keys live only in Rust (zeroised on drop);
//! JavaScript holds an opaque object that can encrypt, decrypt and name keys by fingerprint.

use napi::bindgen_prelude::{Uint8Array, Uint8ArraySlice};
use napi::Env;
use napi_derive::napi;

use cachekit_core::crypto::{self, Algorithm};

use crate::error::{IntoJsResult, JsError};
use crate::out_buffer::{fingerprint_buffers, output_bytes, OutBuffer};

/// Algorithm from the id `aeadAlgorithmId` returns.
fn algorithm(id: u32) -> Result<Algorithm, JsError> {
    match id {
        0 => Ok(Algorithm::Aes256Gcm),
        1 => Ok(Algorithm::ChaCha20Poly1305),
        other => Err(JsError::new(
            "ERR_UNKNOWN_ALGORITHM",
            format!("unknown AEAD algorithm id {other}"),
        )),
    }
}

/// Runs one AEAD operation of a handle: the algorithm from its id, the output into `out`,
/// the core's error as a JavaScript error with its code.
fn with_algorithm(
    algorithm_id: u32,
    out: &mut Uint8ArraySlice,
    operation: impl FnOnce(Algorithm, &mut [u8]) -> Result<(), crypto::CryptoError>,
) -> Result<(), JsError> {
    let algorithm = algorithm(algorithm_id)?;
    operation(algorithm, output_bytes(out)).into_js()
}

/// A tenant's keys; key bytes never reach JavaScript. Created by `deriveTenantKeyHandle` or
/// a master keyring handle.
#[napi]
pub struct TenantKeyHandle {
    inner: crypto::TenantKeys,
}

impl TenantKeyHandle {
    /// Wraps derived keys (from `deriveTenantKeyHandle` or a master keyring handle).
    pub fn new(inner: crypto::TenantKeys) -> Self {
        Self { inner }
    }
}

/// Derives a tenant's keys from a 32-byte master key (HKDF-SHA256, domains `encryption`,
/// `authentication`, `cache_keys`, salt = UTF-8 `tenantId`), plus decrypt-only keys from up
/// to three distinct previous 32-byte master keys.
#[napi]
pub fn derive_tenant_key_handle(
    master_key: &[u8],
    tenant_id: String,
    previous_master_keys: Option<Vec<Uint8Array>>,
) -> Result<TenantKeyHandle, JsError> {
    let previous = previous_master_keys.unwrap_or_default();
    let previous: Vec<&[u8]> = previous.iter().map(|key| key.as_ref()).collect();
    let inner = crypto::TenantKeys::derive(master_key, &tenant_id, &previous).into_js()?;
    Ok(TenantKeyHandle { inner })
}

#[napi]
impl TenantKeyHandle {
    /// The tenant these keys belong to.
    #[napi(getter)]
    pub fn tenant_id(&self) -> String {
        self.inner.tenant_id().to_owned()
    }

    /// Seals under the current key into `out` (plaintext length + 28).
    #[napi]
    pub fn encrypt_into(
        &self,
        plaintext: &[u8],
        aad: &[u8],
        algorithm_id: u32,
        mut out: Uint8ArraySlice,
    ) -> Result<(), JsError> {
        with_algorithm(algorithm_id, &mut out, |algorithm, out| {
            self.inner.encrypt_into(plaintext, aad, algorithm, out)
        })
    }

    /// Opens with the current key into `out` (ciphertext length - 28).
    #[napi]
    pub fn decrypt_into(
        &self,
        ciphertext: &[u8],
        aad: &[u8],
        algorithm_id: u32,
        mut out: Uint8ArraySlice,
    ) -> Result<(), JsError> {
        with_algorithm(algorithm_id, &mut out, |algorithm, out| {
            self.inner.decrypt_into(ciphertext, aad, algorithm, out)
        })
    }

    /// Opens with the key whose fingerprint is `fingerprint` into `out`; an unknown
    /// fingerprint is `ERR_UNKNOWN_KEY_FINGERPRINT` and no other key is tried.
    #[napi]
    pub fn decrypt_with_into(
        &self,
        fingerprint: &[u8],
        ciphertext: &[u8],
        aad: &[u8],
        algorithm_id: u32,
        mut out: Uint8ArraySlice,
    ) -> Result<(), JsError> {
        with_algorithm(algorithm_id, &mut out, |algorithm, out| {
            self.inner
                .decrypt_with_into(fingerprint, ciphertext, aad, algorithm, out)
        })
    }

    /// Fingerprints of every derived encryption key: current first, then the previous keys in
    /// the order given.
    #[napi(ts_return_type = "Buffer[]")]
    pub fn fingerprints(&self, env: Env) -> Result<Vec<OutBuffer>, JsError> {
        fingerprint_buffers(&env, &self.inner.fingerprints())
    }
}
