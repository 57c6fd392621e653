//! Output Buffers allocated by the JavaScript engine at their exact size, so Rust writes the
//! result straight into them: no Rust-side allocation, no copy, no external-memory finalizer.

use std::ptr;

use napi::bindgen_prelude::{ToNapiValue, TypeName, ValueType};
use napi::{sys, Env};

use crate::error::JsError;

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

/// Allocates a Buffer of `len` bytes and hands its bytes to `fill`, which must write all of
/// them (their initial content is unspecified). An error from `fill` discards the Buffer.
pub fn with_out_buffer<E>(
    env: &Env,
    len: usize,
    fill: impl FnOnce(&mut [u8]) -> Result<(), E>,
    into_js: impl FnOnce(E) -> JsError,
) -> Result<OutBuffer, JsError> {
    let mut data: *mut std::ffi::c_void = ptr::null_mut();
    let mut value: sys::napi_value = ptr::null_mut();
    // SAFETY: napi_create_buffer writes a valid napi_value and a pointer to `len` writable
    // bytes owned by that Buffer, which stays alive (rooted by the current handle scope)
    // until this native call returns; `bytes` does not outlive `fill`.
    let status = unsafe { sys::napi_create_buffer(env.raw(), len, &mut data, &mut value) };
    if status != sys::Status::napi_ok {
        return Err(JsError::new(
            "ERR_OUT_OF_MEMORY",
            format!("could not allocate a {len}-byte Buffer"),
        ));
    }
    let bytes: &mut [u8] = if len == 0 || data.is_null() {
        &mut []
    } else {
        // SAFETY: see above; the engine guarantees `len` bytes at `data`.
        unsafe { std::slice::from_raw_parts_mut(data.cast::<u8>(), len) }
    };
    fill(bytes).map_err(into_js)?;
    Ok(OutBuffer(value))
}
