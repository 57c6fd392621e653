//! Encryption: key derivation, fingerprints, AAD, AEAD and nonces.

pub mod aad;
pub mod aead;
pub mod direct;
mod error;
pub mod kdf;
pub mod nonce;
pub mod tenant;

pub use aad::{create_aad, AadFields};
pub use aead::{Algorithm, OVERHEAD};
pub use error::CryptoError;
pub use kdf::{derive_domain_key, key_fingerprint, parse_master_key_hex};
pub use tenant::TenantKeys;
