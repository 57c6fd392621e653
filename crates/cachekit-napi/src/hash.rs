//! Digest entry points. Inputs are borrowed straight from the caller's Uint8Array.
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

use cachekit_core::hash;

/// BLAKE2b-256 (unkeyed) of `data`: 32 bytes.
#[napi(js_name = "blake2b256")]
pub fn blake2b256(data: &[u8]) -> Buffer {
    Buffer::from(hash::blake2b_256(data).to_vec())
}

/// Lowercase hex of BLAKE2b-256 (unkeyed) of `data`: 64 characters.
#[napi(js_name = "blake2b256Hex")]
pub fn blake2b256_hex(data: &[u8]) -> String {
    hash::blake2b_256_hex(data)
}

/// BLAKE2b-128 (unkeyed) of `data`: 16 bytes, the file backend's name for a key.
#[napi(js_name = "blake2b128")]
pub fn blake2b128(data: &[u8]) -> Buffer {
    Buffer::from(hash::blake2b_128(data).to_vec())
}

/// xxHash3-64 (seed 0) of `data` as 8 big-endian bytes.
#[napi(js_name = "xxh3_64")]
pub fn xxh3_64(data: &[u8]) -> Buffer {
    Buffer::from(hash::xxh3_64(data).to_vec())
}
