//! The ByteStorage envelope: LZ4 block compression plus an xxHash3-64 checksum of the
//! uncompressed bytes, serialized as a positional MessagePack array.

mod decode;
mod encode;
mod error;
mod pending;
mod scratch;

pub use decode::{parse, parse_within, ParsedEnvelope};
pub use encode::{compress_block, from_parts, prepare, PreparedEnvelope, LITERAL_ONLY_BELOW};
pub use error::EnvelopeError;
pub use pending::PendingEnvelope;
pub use scratch::with_scratch;

use crate::limits::{DEFAULT_FORMAT, MAX_UNCOMPRESSED_SIZE};

/// Bytes and format recovered from an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retrieved {
    /// The original, decompressed payload.
    pub data: Vec<u8>,
    /// The format string the envelope carried.
    pub format: String,
}

/// Stores and retrieves byte payloads in the cachekit envelope.
#[derive(Debug, Clone)]
pub struct ByteStorage {
    default_format: String,
}

impl Default for ByteStorage {
    fn default() -> Self {
        Self::new(None)
    }
}

impl ByteStorage {
    /// A storage whose `store` writes `default_format` (or `"msgpack"`) when given no format.
    pub fn new(default_format: Option<&str>) -> Self {
        Self {
            default_format: default_format.unwrap_or(DEFAULT_FORMAT).to_owned(),
        }
    }

    /// The format `store` writes when the caller names none.
    pub fn default_format(&self) -> &str {
        &self.default_format
    }

    /// Compresses `data` and hands the laid-out envelope to `finish`, which decides where the
    /// bytes go; the compression buffer is a reused per-thread scratch.
    pub fn store_with<R>(
        &self,
        data: &[u8],
        format: Option<&str>,
        finish: impl FnOnce(&PreparedEnvelope<'_>) -> R,
    ) -> Result<R, EnvelopeError> {
        let format = format.unwrap_or(&self.default_format);
        with_scratch(|scratch| prepare(data, format, scratch).map(|prepared| finish(&prepared)))
    }

    /// Serialized envelope of `data`.
    pub fn store(&self, data: &[u8], format: Option<&str>) -> Result<Vec<u8>, EnvelopeError> {
        self.store_with(data, format, |prepared| prepared.to_vec())
    }

    /// First step of a two-step store: compress now, write once the caller has allocated
    /// [`PendingEnvelope::len`] bytes.
    pub fn store_pending(
        &self,
        data: &[u8],
        format: Option<String>,
    ) -> Result<PendingEnvelope, EnvelopeError> {
        PendingEnvelope::compress(data, format.unwrap_or_else(|| self.default_format.clone()))
    }

    /// Payload and format of `envelope`, after every check of the Retrieve Flow.
    pub fn retrieve(&self, envelope: &[u8]) -> Result<Retrieved, EnvelopeError> {
        self.retrieve_within(envelope, MAX_UNCOMPRESSED_SIZE)
    }

    /// [`Self::retrieve`], refusing a declared `original_size` over `max_original_size`
    /// before the output is allocated (see [`parse_within`]).
    pub fn retrieve_within(
        &self,
        envelope: &[u8],
        max_original_size: usize,
    ) -> Result<Retrieved, EnvelopeError> {
        let parsed = parse_within(envelope, max_original_size)?;
        let mut data = vec![0u8; parsed.original_size()];
        parsed.decompress_into(&mut data)?;
        Ok(Retrieved {
            data,
            format: parsed.format().to_owned(),
        })
    }

    /// Whether `envelope` passes every retrieve check (it is decompressed into scratch space).
    pub fn validate(&self, envelope: &[u8]) -> bool {
        let Ok(parsed) = parse(envelope) else {
            return false;
        };
        with_scratch(|scratch| {
            if scratch.len() < parsed.original_size() {
                scratch.resize(parsed.original_size(), 0);
            }
            parsed
                .decompress_into(&mut scratch[..parsed.original_size()])
                .is_ok()
        })
    }

    /// `data.len() / compressed length`: how much `store` would shrink `data`.
    pub fn estimate_compression(&self, data: &[u8]) -> Result<f64, EnvelopeError> {
        if data.len() > MAX_UNCOMPRESSED_SIZE {
            return Err(EnvelopeError::InputTooLarge {
                what: "input",
                size: data.len() as u64,
                limit: MAX_UNCOMPRESSED_SIZE,
            });
        }
        with_scratch(|scratch| {
            let compressed = compress_block(data, scratch)?;
            Ok(data.len() as f64 / compressed.max(1) as f64)
        })
    }
}
