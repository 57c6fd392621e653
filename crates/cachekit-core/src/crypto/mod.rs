//! Encryption and keyed integrity: master keyrings, key derivation, fingerprints, AAD, AEAD,
//! nonces and MAC frames.

pub mod aad;
pub mod aead;
pub mod direct;
mod error;
pub mod kdf;
mod key_set;
pub mod mac;
pub mod master_key;
pub mod nonce;
pub mod tenant;

pub use aad::{create_aad, AadFields};
pub use aead::{Algorithm, OVERHEAD};
pub use error::CryptoError;
pub use kdf::{derive_domain_key, key_fingerprint, parse_master_key_hex};
pub use mac::TenantMacKeys;
pub use master_key::{MasterKey, MasterKeyring};
pub use tenant::TenantKeys;
