//! N-API binding of cachekit-core: Buffer in, Buffer out, no logic of its own. Inputs are
//! borrowed from the caller's Uint8Array (no copy in); each output is one JavaScript Buffer
//! allocated at its exact size and written in place.
#![deny(clippy::all)]

pub mod byte_storage;
pub mod crypto;
pub mod error;
pub mod hash;
pub mod out_buffer;
pub mod tenant_keys;
