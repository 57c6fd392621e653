//! Digest entry points; the digest is written into the caller's output Buffer.
use napi::bindgen_prelude::Uint8ArraySlice;
use napi_derive::napi;

use cachekit_core::hash;

use crate::error::JsError;
use crate::out_buffer::output_bytes;

fn write_digest(out: &mut Uint8ArraySlice, digest: &[u8]) -> Result<(), JsError> {
    let out = output_bytes(out);
    if out.len() != digest.len() {
        return Err(JsError::new(
            "ERR_INVALID_ARGUMENT",
            format!("output must be {} bytes, got {}", digest.len(), out.len()),
        ));
    }
    out.copy_from_slice(digest);
    Ok(())
}

/// Writes BLAKE2b-256 (unkeyed) of `data` into `out` (32 bytes).
#[napi(js_name = "blake2b256Into")]
pub fn blake2b256_into(data: &[u8], mut out: Uint8ArraySlice) -> Result<(), JsError> {
    write_digest(&mut out, &hash::blake2b_256(data))
}

/// Lowercase hex of BLAKE2b-256 (unkeyed) of `data`: 64 characters.
#[napi(js_name = "blake2b256Hex")]
pub fn blake2b256_hex(data: &[u8]) -> String {
    hash::blake2b_256_hex(data)
}

/// Writes BLAKE2b-128 (unkeyed) of `data` into `out` (16 bytes).
#[napi(js_name = "blake2b128Into")]
pub fn blake2b128_into(data: &[u8], mut out: Uint8ArraySlice) -> Result<(), JsError> {
    write_digest(&mut out, &hash::blake2b_128(data))
}

/// Writes xxHash3-64 (seed 0) of `data`, big-endian, into `out` (8 bytes).
#[napi(js_name = "xxh3_64Into")]
pub fn xxh3_64_into(data: &[u8], mut out: Uint8ArraySlice) -> Result<(), JsError> {
    write_digest(&mut out, &hash::xxh3_64(data))
}
