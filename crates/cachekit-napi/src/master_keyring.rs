//! The master keyring handle: master keys parsed from hex or copied from bytes straight into
//! Rust (zeroised on drop), never returned. JavaScript holds an opaque object that derives
//! each tenant's encryption and MAC key handles.

use napi_derive::napi;
use zeroize::Zeroize;

use cachekit_core::crypto::{MasterKey, MasterKeyring};

use crate::error::{IntoJsResult, JsError};
use crate::tenant_keys::TenantKeyHandle;
use crate::tenant_mac_keys::TenantMacKeyHandle;

/// A cache's master keys (current and up to three previous). Created by
/// `masterKeyringFromHex` / `masterKeyringFromBytes`.
#[napi]
pub struct MasterKeyringHandle {
    inner: MasterKeyring,
}

/// Parses 64 hex digits; the copy of the text napi made for this call is wiped afterwards.
fn key_from_hex(mut hex: String) -> Result<MasterKey, JsError> {
    let key = MasterKey::from_hex(&hex);
    hex.zeroize();
    key.into_js()
}

/// A keyring whose current key is 64 hex digits.
#[napi]
pub fn master_keyring_from_hex(hex: String) -> Result<MasterKeyringHandle, JsError> {
    Ok(MasterKeyringHandle {
        inner: MasterKeyring::new(key_from_hex(hex)?),
    })
}

/// A keyring whose current key is 32 raw bytes (copied; the caller's buffer is not kept).
#[napi]
pub fn master_keyring_from_bytes(key: &[u8]) -> Result<MasterKeyringHandle, JsError> {
    let key = MasterKey::from_bytes(key).into_js()?;
    Ok(MasterKeyringHandle {
        inner: MasterKeyring::new(key),
    })
}

#[napi]
impl MasterKeyringHandle {
    /// Adds a previous (read-only) key given as 64 hex digits.
    #[napi]
    pub fn add_previous_hex(&mut self, hex: String) -> Result<(), JsError> {
        let key = key_from_hex(hex)?;
        self.inner.add_previous(key).into_js()
    }

    /// Adds a previous (read-only) key given as 32 raw bytes (copied).
    #[napi]
    pub fn add_previous_bytes(&mut self, key: &[u8]) -> Result<(), JsError> {
        let key = MasterKey::from_bytes(key).into_js()?;
        self.inner.add_previous(key).into_js()
    }

    /// How many previous keys the keyring holds.
    #[napi(getter)]
    pub fn previous_key_count(&self) -> u32 {
        // At most three.
        self.inner.previous_count() as u32
    }

    /// The encryption key handle of a tenant.
    #[napi]
    pub fn derive_tenant_keys(&self, tenant_id: String) -> Result<TenantKeyHandle, JsError> {
        let inner = self.inner.tenant_keys(&tenant_id).into_js()?;
        Ok(TenantKeyHandle::new(inner))
    }

    /// The keyed-integrity (MAC) key handle of a tenant.
    #[napi]
    pub fn derive_tenant_mac_keys(&self, tenant_id: String) -> Result<TenantMacKeyHandle, JsError> {
        let inner = self.inner.tenant_mac_keys(&tenant_id).into_js()?;
        Ok(TenantMacKeyHandle::new(inner))
    }
}
