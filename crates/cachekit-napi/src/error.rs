//! Core errors become JavaScript errors whose `code` is the core's stable code (napi-rs puts
//! an Error's status string in `err.code`) and whose message says what was wrong.

use cachekit_core::crypto::CryptoError;
use cachekit_core::envelope::EnvelopeError;
use napi::bindgen_prelude::{FromNapiValue, Unknown};
use napi::Env;

/// A JavaScript error with a stable `code`.
pub type JsError = napi::Error<&'static str>;

/// Converts a core error into a coded JavaScript error.
pub trait IntoJsError {
    /// The coded error.
    fn into_js(self) -> JsError;
}

/// Converts a core call's result: its error becomes a coded JavaScript error.
pub trait IntoJsResult<T> {
    /// The result with its error coded.
    fn into_js(self) -> Result<T, JsError>;
}

impl<T, E: IntoJsError> IntoJsResult<T> for Result<T, E> {
    fn into_js(self) -> Result<T, JsError> {
        self.map_err(IntoJsError::into_js)
    }
}

impl IntoJsError for EnvelopeError {
    fn into_js(self) -> JsError {
        JsError::new(self.code(), self.to_string())
    }
}

impl IntoJsError for CryptoError {
    fn into_js(self) -> JsError {
        JsError::new(self.code(), self.to_string())
    }
}

/// A promise rejection carrying `err`'s code. Async tasks can only reject with napi's own
/// status codes, so the coded error object is built here, on the main thread, and handed back
/// as a reference napi-rs rejects with verbatim.
pub fn rejection(env: &Env, err: JsError) -> napi::Error {
    // SAFETY: called from a Task's resolve, on the JS thread, with that call's live env.
    unsafe {
        let value = napi::JsError::from(err).into_value(env.raw());
        match Unknown::from_napi_value(env.raw(), value) {
            Ok(unknown) => napi::Error::from(unknown),
            Err(failure) => failure,
        }
    }
}
