//! Digest entry points. Inputs are borrowed straight from the caller's Uint8Array.
use napi::Env;
use napi_derive::napi;

use cachekit_core::hash;

use crate::error::{napi_failure, JsError};
use crate::out_buffer::{with_out_buffer, OutBuffer};

fn digest_buffer(env: &Env, digest: &[u8]) -> Result<OutBuffer, JsError> {
    with_out_buffer(
        env,
        digest.len(),
        |out| {
            out.copy_from_slice(digest);
            Ok::<(), napi::Error>(())
        },
        napi_failure,
    )
}

/// BLAKE2b-256 (unkeyed) of `data`: 32 bytes.
#[napi(js_name = "blake2b256", ts_return_type = "Buffer")]
pub fn blake2b256(env: Env, data: &[u8]) -> Result<OutBuffer, JsError> {
    digest_buffer(&env, &hash::blake2b_256(data))
}

/// Lowercase hex of BLAKE2b-256 (unkeyed) of `data`: 64 characters.
#[napi(js_name = "blake2b256Hex")]
pub fn blake2b256_hex(data: &[u8]) -> String {
    hash::blake2b_256_hex(data)
}

/// BLAKE2b-128 (unkeyed) of `data`: 16 bytes, the file backend's name for a key.
#[napi(js_name = "blake2b128", ts_return_type = "Buffer")]
pub fn blake2b128(env: Env, data: &[u8]) -> Result<OutBuffer, JsError> {
    digest_buffer(&env, &hash::blake2b_128(data))
}

/// xxHash3-64 (seed 0) of `data` as 8 big-endian bytes.
#[napi(js_name = "xxh3_64", ts_return_type = "Buffer")]
pub fn xxh3_64(env: Env, data: &[u8]) -> Result<OutBuffer, JsError> {
    digest_buffer(&env, &hash::xxh3_64(data))
}
