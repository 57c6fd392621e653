//! Byte-level core of cachekit for Node.js: the storage envelope (LZ4 block + xxHash3-64),
//! AES-256-GCM / ChaCha20-Poly1305 with HKDF tenant keys and AAD v0x03, and the digests the
//! protocol uses. Pure Rust, no N-API; byte-exact with the cachekit protocol.
#![forbid(unsafe_code)]

pub mod crypto;
pub mod envelope;
pub mod hash;
pub mod limits;
pub mod msgpack_bounds;
pub mod output;
