//! Envelope entry points. Store and retrieve are two steps each (work, then write into the
//! Buffer the wrapper allocated at the returned length); the async variants run on the libuv
//! thread pool so large values never block the event loop.

use std::cell::RefCell;

use napi::bindgen_prelude::{AsyncTask, Buffer, Uint8Array, Uint8ArraySlice};
use napi::{Env, Task};
use napi_derive::napi;

use cachekit_core::envelope::{self, EnvelopeError, PendingEnvelope, Retrieved};
use cachekit_core::output::check_output_len;

use crate::error::{rejection, IntoJsError, IntoJsResult, JsError};
use crate::out_buffer::output_bytes;

thread_local! {
    /// The store begun by `envelopeStoreBegin` and not yet written. Both steps run back to
    /// back on one JavaScript thread, so one slot per thread is enough.
    static PENDING_STORE: RefCell<Option<PendingEnvelope>> = const { RefCell::new(None) };
}

/// Step 1 of `store`: compresses `data` and returns the envelope's exact length.
#[napi]
pub fn envelope_store_begin(data: &[u8], format: String) -> Result<u32, JsError> {
    let pending = PendingEnvelope::compress(data, format).into_js()?;
    // At most 512 MiB, so it fits.
    let len = pending.len() as u32;
    PENDING_STORE.with(|slot| *slot.borrow_mut() = Some(pending));
    Ok(len)
}

/// Step 2 of `store`: writes the pending envelope into `out` (exactly the length step 1
/// returned).
#[napi]
pub fn envelope_store_finish(mut out: Uint8ArraySlice) -> Result<(), JsError> {
    let pending = PENDING_STORE
        .with(|slot| slot.borrow_mut().take())
        .ok_or_else(|| JsError::new("ERR_INVALID_ARGUMENT", "no envelope store is in progress"))?;
    pending.write_into(output_bytes(&mut out)).into_js()
}

/// Step 1 of `retrieve`: runs every check that needs no decompression and returns the
/// payload's length. A declared length over `maxOriginalSize` (when given) is refused here,
/// before the wrapper allocates the output.
#[napi]
pub fn envelope_retrieve_begin(
    envelope: &[u8],
    max_original_size: Option<u32>,
) -> Result<u32, JsError> {
    let parsed = envelope::parse_within(envelope, size_limit(max_original_size)).into_js()?;
    Ok(parsed.original_size() as u32)
}

/// The caller's limit on a declared original size; none means the protocol's cap.
fn size_limit(max_original_size: Option<u32>) -> usize {
    max_original_size.map_or(cachekit_core::limits::MAX_UNCOMPRESSED_SIZE, |limit| {
        limit as usize
    })
}

/// Step 2 of `retrieve`: decompresses `envelope` into `out` (exactly the length step 1
/// returned), verifies checksum and length, and returns the envelope's format.
#[napi]
pub fn envelope_retrieve_into(
    envelope: &[u8],
    mut out: Uint8ArraySlice,
) -> Result<String, JsError> {
    let parsed = envelope::parse(envelope).into_js()?;
    let out = output_bytes(&mut out);
    check_output_len(out, parsed.original_size())
        .map_err(EnvelopeError::from)
        .into_js()?;
    parsed.decompress_into(out).into_js()?;
    Ok(parsed.format().to_owned())
}

/// What an envelope declares, read without decompressing it: for tools that report on stored
/// entries. Runs every retrieve check that needs no decompression.
#[napi(object, object_from_js = false)]
pub struct EnvelopeDescription {
    /// Length of the LZ4 block.
    pub compressed_size: u32,
    /// Decoded length the envelope declares.
    pub original_size: u32,
    /// The envelope's format string.
    pub format: String,
}

/// The sizes and format `envelope` declares, after retrieve's checks 1–5 (no decompression,
/// so the checksum is not checked).
#[napi]
pub fn envelope_describe(envelope: &[u8]) -> Result<EnvelopeDescription, JsError> {
    let parsed = envelope::parse(envelope).into_js()?;
    // Both are at most 512 MiB after parse's caps, so they fit.
    Ok(EnvelopeDescription {
        compressed_size: parsed.compressed().len() as u32,
        original_size: parsed.original_size() as u32,
        format: parsed.format().to_owned(),
    })
}

/// Whether `envelope` passes every retrieve check (it is decompressed into scratch space).
#[napi]
pub fn envelope_validate(envelope: &[u8]) -> bool {
    envelope::ByteStorage::default().validate(envelope)
}

/// `data.length / compressed length`: how much a store would shrink `data`.
#[napi]
pub fn envelope_estimate_compression(data: &[u8]) -> Result<f64, JsError> {
    envelope::ByteStorage::default()
        .estimate_compression(data)
        .into_js()
}

/// What `retrieveAsync` resolves to.
#[napi(object, object_from_js = false)]
pub struct RetrievedEnvelope {
    /// The original, decompressed payload.
    pub data: Buffer,
    /// The format the envelope carried (normally `msgpack`).
    pub format: String,
}

/// `store` on the libuv thread pool. `data` must not change until the promise settles.
#[napi(ts_return_type = "Promise<Buffer>")]
pub fn envelope_store_async(data: Uint8Array, format: String) -> AsyncTask<StoreTask> {
    AsyncTask::new(StoreTask { data, format })
}

/// `retrieve` on the libuv thread pool, refusing a declared length over `maxOriginalSize`
/// (when given) before the output is allocated. `envelope` must not change until the promise
/// settles.
#[napi(ts_return_type = "Promise<RetrievedEnvelope>")]
pub fn envelope_retrieve_async(
    envelope: Uint8Array,
    max_original_size: Option<u32>,
) -> AsyncTask<RetrieveTask> {
    AsyncTask::new(RetrieveTask {
        envelope,
        max_original_size: size_limit(max_original_size),
    })
}

/// Off-thread `store`.
pub struct StoreTask {
    data: Uint8Array,
    format: String,
}

impl Task for StoreTask {
    // The core error rides along to the main thread, where a coded JS error can be built.
    type Output = Result<Vec<u8>, EnvelopeError>;
    type JsValue = Buffer;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(envelope::ByteStorage::default().store(&self.data, Some(&self.format)))
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
    envelope: Uint8Array,
    max_original_size: usize,
}

impl Task for RetrieveTask {
    type Output = Result<Retrieved, EnvelopeError>;
    type JsValue = RetrievedEnvelope;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(
            envelope::ByteStorage::default()
                .retrieve_within(&self.envelope, self.max_original_size),
        )
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        match output {
            Ok(retrieved) => Ok(RetrievedEnvelope {
                data: Buffer::from(retrieved.data),
                format: retrieved.format,
            }),
            Err(err) => Err(rejection(&env, err.into_js())),
        }
    }
}

/// Largest payload a store accepts and largest `original_size` a retrieve believes (512 MiB).
#[napi]
pub const MAX_UNCOMPRESSED_SIZE: u32 = cachekit_core::limits::MAX_UNCOMPRESSED_SIZE as u32;

/// Largest compressed block and largest envelope (512 MiB).
#[napi]
pub const MAX_COMPRESSED_SIZE: u32 = cachekit_core::limits::MAX_COMPRESSED_SIZE as u32;

/// Largest accepted `original_size : compressed length` ratio (1000).
#[napi]
pub const MAX_COMPRESSION_RATIO: u32 = cachekit_core::limits::MAX_COMPRESSION_RATIO as u32;
