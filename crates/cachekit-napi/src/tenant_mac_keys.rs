//! The tenant MAC key handle: keyed integrity for plaintext entries. Key bytes live only in
//! Rust (zeroised on drop); JavaScript frames and verifies entries through it.

use napi::bindgen_prelude::Uint8ArraySlice;
use napi::Env;
use napi_derive::napi;

use cachekit_core::crypto::{mac, TenantMacKeys};

use crate::error::{IntoJsResult, JsError};
use crate::out_buffer::{fingerprint_buffers, output_bytes, OutBuffer};

/// A tenant's MAC keys; key bytes never reach JavaScript. Created by a master keyring handle.
#[napi]
pub struct TenantMacKeyHandle {
    inner: TenantMacKeys,
}

impl TenantMacKeyHandle {
    /// Wraps derived keys.
    pub fn new(inner: TenantMacKeys) -> Self {
        Self { inner }
    }
}

#[napi]
impl TenantMacKeyHandle {
    /// The tenant these keys belong to.
    #[napi(getter)]
    pub fn tenant_id(&self) -> String {
        self.inner.tenant_id().to_owned()
    }

    /// Frames `payload` under the current key, bound to `aad`, into `out` (payload length +
    /// `MAC_FRAME_OVERHEAD`).
    #[napi]
    pub fn seal_into(
        &self,
        payload: &[u8],
        aad: &[u8],
        mut out: Uint8ArraySlice,
    ) -> Result<(), JsError> {
        self.inner
            .seal_into(payload, aad, output_bytes(&mut out))
            .into_js()
    }

    /// Verifies `framed` against `aad` under the key its fingerprint names; the payload is
    /// `framed` after its first `MAC_FRAME_OVERHEAD` bytes.
    #[napi]
    pub fn verify(&self, framed: &[u8], aad: &[u8]) -> Result<(), JsError> {
        self.inner.open(framed, aad).map(|_| ()).into_js()
    }

    /// Fingerprints of every MAC key: current first, then previous keys in the order given.
    #[napi(ts_return_type = "Buffer[]")]
    pub fn fingerprints(&self, env: Env) -> Result<Vec<OutBuffer>, JsError> {
        fingerprint_buffers(&env, &self.inner.fingerprints())
    }
}

/// Bytes a keyed-integrity frame adds before its payload (magic, fingerprint, tag).
#[napi]
pub const MAC_FRAME_OVERHEAD: u32 = mac::MAC_FRAME_OVERHEAD as u32;
