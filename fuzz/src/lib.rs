//! What the fuzz targets share: one fixed tenant whose keys are derived once per process, so
//! each input pays for the operation under test and not for key derivation.

use std::sync::OnceLock;

use cachekit_core::crypto::{TenantKeys, TenantMacKeys};

/// The master key of the fixed tenant.
const MASTER_KEY: [u8; 32] = [0x42; 32];
/// The fixed tenant.
const TENANT: &str = "fuzz";

/// The fixed tenant's encryption keys.
pub fn tenant_keys() -> &'static TenantKeys {
    static KEYS: OnceLock<TenantKeys> = OnceLock::new();
    KEYS.get_or_init(|| TenantKeys::derive(&MASTER_KEY, TENANT, &[]).expect("valid key"))
}

/// The fixed tenant's keyed-integrity (MAC) keys.
pub fn tenant_mac_keys() -> &'static TenantMacKeys {
    static KEYS: OnceLock<TenantMacKeys> = OnceLock::new();
    KEYS.get_or_init(|| TenantMacKeys::derive(&MASTER_KEY, TENANT, &[]).expect("valid key"))
}
