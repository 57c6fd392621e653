//! N-API binding: Buffer in, Buffer out, no logic of its own.
#![deny(clippy::all)]

use napi::bindgen_prelude::*;
use napi_derive::napi;

/// BLAKE2b-256 (unkeyed) of `data`.
#[napi]
pub fn blake2b256(data: &[u8]) -> Buffer {
    Buffer::from(cachekit_core::hash::blake2b_256(data).to_vec())
}
