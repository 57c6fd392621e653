//! The two ways results reach JavaScript: written into a caller-allocated Buffer (hot paths),
//! or, for rare calls, a Buffer allocated here by the engine.

use std::ptr;

use napi::bindgen_prelude::{ToNapiValue, TypeName, Uint8ArraySlice, ValueType};
use napi::{sys, Env};

use crate::error::JsError;

/// The writable bytes of an output Buffer the JavaScript wrapper just allocated for this
/// call.
pub fn output_bytes<'a>(out: &'a mut Uint8ArraySlice<'_>) -> &'a mut [u8] {
    // SAFETY: `out` is a Buffer the wrapper in src/native.ts allocated for this synchronous
    // call and has not shared; nothing else reads or writes it while Rust fills it, and the
    // slice does not outlive the call.
    unsafe { out.as_mut() }
}

/// A freshly allocated JavaScript Buffer, returned to JavaScript as is.
pub struct OutBuffer(sys::napi_value);

impl ToNapiValue for OutBuffer {
    unsafe fn to_napi_value(_env: sys::napi_env, value: Self) -> napi::Result<sys::napi_value> {
        Ok(value.0)
    }
}

impl TypeName for OutBuffer {
    fn type_name() -> &'static str {
        "Buffer"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

/// A new engine-allocated Buffer holding a copy of `bytes` (for calls off the hot path).
pub fn copy_to_buffer(env: &Env, bytes: &[u8]) -> Result<OutBuffer, JsError> {
    let mut data: *mut std::ffi::c_void = ptr::null_mut();
    let mut value: sys::napi_value = ptr::null_mut();
    // SAFETY: napi_create_buffer_copy copies `bytes.len()` bytes from a valid slice into a new
    // Buffer and writes its napi_value; `data` (the copy's address) is not used.
    let status = unsafe {
        sys::napi_create_buffer_copy(
            env.raw(),
            bytes.len(),
            bytes.as_ptr().cast(),
            &mut data,
            &mut value,
        )
    };
    if status != sys::Status::napi_ok {
        return Err(JsError::new(
            "ERR_OUT_OF_MEMORY",
            format!("could not allocate a {}-byte Buffer", bytes.len()),
        ));
    }
    Ok(OutBuffer(value))
}

/// One engine-allocated Buffer per key fingerprint, in order.
pub fn fingerprint_buffers(
    env: &Env,
    fingerprints: &[[u8; 16]],
) -> Result<Vec<OutBuffer>, JsError> {
    fingerprints
        .iter()
        .map(|fingerprint| copy_to_buffer(env, fingerprint))
        .collect()
}
