//! N-API binding of cachekit-core: bytes in, bytes out, no logic of its own.
//!
//! Inputs are borrowed from the caller's Uint8Array (no copy in). Hot-path outputs are
//! written into a Buffer the JavaScript wrapper (`src/native.ts`) allocated at the exact
//! size: `Buffer.allocUnsafe` is several times cheaper than a Buffer created from native
//! code, which costs more than hashing or sealing a small value. Where the size is only known
//! after the work (envelope store and retrieve) the call is split in two: a first step that
//! does the work and returns the length, and a second that writes the bytes.
#![deny(clippy::all)]

pub mod byte_storage;
pub mod crypto;
pub mod error;
pub mod hash;
pub mod master_keyring;
pub mod out_buffer;
pub mod tenant_keys;
pub mod tenant_mac_keys;
