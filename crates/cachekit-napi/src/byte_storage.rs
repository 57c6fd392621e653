//! The `ByteStorage` class: envelope store/retrieve/validate, inline and as async tasks that
//! run on the libuv thread pool so large values never block the event loop.

use napi::bindgen_prelude::{AsyncTask, Buffer, Uint8Array};
use napi::{Env, Task};
use napi_derive::napi;

use cachekit_core::envelope::{self, EnvelopeError, Retrieved};

use crate::error::{rejection, IntoJsError, JsError};
use crate::out_buffer::{with_out_buffer, OutBuffer};

/// What `retrieve` returns: the original bytes and the envelope's format string.
#[napi(object, object_from_js = false)]
pub struct RetrievedEnvelope {
    /// The original, decompressed payload.
    #[napi(ts_type = "Buffer")]
    pub data: OutBuffer,
    /// The format the envelope carried (normally `msgpack`).
    pub format: String,
}

/// What `retrieveAsync` resolves to; the same shape as `RetrievedEnvelope` (only its Rust
/// buffer type differs, the bytes having been produced off the main thread).
#[napi(object, object_from_js = false)]
pub struct RetrievedEnvelopeAsync {
    /// The original, decompressed payload.
    pub data: Buffer,
    /// The format the envelope carried (normally `msgpack`).
    pub format: String,
}

/// Stores bytes in the cachekit envelope (LZ4 block + xxHash3-64, MessagePack) and reads them
/// back with every integrity and decompression-bomb check of the protocol.
#[napi]
pub struct ByteStorage {
    inner: envelope::ByteStorage,
}

fn store_into_buffer(
    env: &Env,
    storage: &envelope::ByteStorage,
    data: &[u8],
    format: Option<&str>,
) -> Result<OutBuffer, JsError> {
    storage
        .store_with(data, format, |prepared| {
            with_out_buffer(
                env,
                prepared.len(),
                |out| {
                    prepared.write_into(out);
                    Ok::<(), EnvelopeError>(())
                },
                IntoJsError::into_js,
            )
        })
        .map_err(IntoJsError::into_js)?
}

#[napi]
impl ByteStorage {
    /// A storage whose `store` writes `defaultFormat` (default `"msgpack"`) when given none.
    #[napi(constructor)]
    pub fn new(default_format: Option<String>) -> Self {
        Self {
            inner: envelope::ByteStorage::new(default_format.as_deref()),
        }
    }

    /// The format `store` writes when the caller names none.
    #[napi(getter)]
    pub fn default_format(&self) -> String {
        self.inner.default_format().to_owned()
    }

    /// Serialized envelope of `data` (at most 512 MiB), tagged with `format`.
    #[napi(ts_return_type = "Buffer")]
    pub fn store(
        &self,
        env: Env,
        data: &[u8],
        format: Option<String>,
    ) -> Result<OutBuffer, JsError> {
        store_into_buffer(&env, &self.inner, data, format.as_deref())
    }

    /// The payload and format inside `envelope`, or an error naming the failed check.
    #[napi]
    pub fn retrieve(&self, env: Env, envelope: &[u8]) -> Result<RetrievedEnvelope, JsError> {
        let parsed = envelope::parse(envelope).map_err(IntoJsError::into_js)?;
        let data = with_out_buffer(
            &env,
            parsed.original_size(),
            |out| parsed.decompress_into(out),
            IntoJsError::into_js,
        )?;
        Ok(RetrievedEnvelope {
            data,
            format: parsed.format().to_owned(),
        })
    }

    /// Whether `envelope` passes every retrieve check (it is fully decompressed to tell).
    #[napi]
    pub fn validate(&self, envelope: &[u8]) -> bool {
        self.inner.validate(envelope)
    }

    /// `data.length / compressed length`: how much `store` would shrink `data`.
    #[napi]
    pub fn estimate_compression(&self, data: &[u8]) -> Result<f64, JsError> {
        self.inner
            .estimate_compression(data)
            .map_err(IntoJsError::into_js)
    }

    /// `store` on the libuv thread pool. `data` must not be modified until the promise settles.
    #[napi(ts_return_type = "Promise<Buffer>")]
    pub fn store_async(&self, data: Uint8Array, format: Option<String>) -> AsyncTask<StoreTask> {
        AsyncTask::new(StoreTask {
            storage: self.inner.clone(),
            data,
            format,
        })
    }

    /// `retrieve` on the libuv thread pool. `envelope` must not be modified until the promise
    /// settles.
    #[napi(ts_return_type = "Promise<RetrievedEnvelope>")]
    pub fn retrieve_async(&self, envelope: Uint8Array) -> AsyncTask<RetrieveTask> {
        AsyncTask::new(RetrieveTask {
            storage: self.inner.clone(),
            envelope,
        })
    }
}

/// Off-thread `store`.
pub struct StoreTask {
    storage: envelope::ByteStorage,
    data: Uint8Array,
    format: Option<String>,
}

impl Task for StoreTask {
    // The core error rides along to the main thread, where a coded JS error can be built.
    type Output = Result<Vec<u8>, EnvelopeError>;
    type JsValue = Buffer;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(self.storage.store(&self.data, self.format.as_deref()))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        match output {
            Ok(envelope) => Ok(Buffer::from(envelope)),
            Err(err) => Err(rejection(&env, err.into_js())),
        }
    }
}

/// Off-thread `retrieve`.
pub struct RetrieveTask {
    storage: envelope::ByteStorage,
    envelope: Uint8Array,
}

impl Task for RetrieveTask {
    type Output = Result<Retrieved, EnvelopeError>;
    type JsValue = RetrievedEnvelopeAsync;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(self.storage.retrieve(&self.envelope))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        match output {
            Ok(retrieved) => Ok(RetrievedEnvelopeAsync {
                data: Buffer::from(retrieved.data),
                format: retrieved.format,
            }),
            Err(err) => Err(rejection(&env, err.into_js())),
        }
    }
}
