//! Every way storing or retrieving an envelope can fail, one variant per failure.

use thiserror::Error;

use crate::msgpack_bounds::BoundsError;
use crate::output::OutputLengthError;

/// A failed `store`, `retrieve` or `validate`. Retrieval never panics and never returns data
/// that did not pass every check; each variant names the check that refused the input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EnvelopeError {
    /// An input, the compressed block, the envelope or a declared size is over its 512 MiB cap
    /// (or a declared size over the smaller limit the reader passed).
    #[error("{what} is {size} bytes, over the {limit}-byte limit")]
    InputTooLarge {
        what: &'static str,
        size: u64,
        limit: usize,
    },
    /// The decode-bounds pre-scan refused the envelope before anything was decoded.
    #[error("envelope failed the MessagePack decode-bounds pre-scan: {0}")]
    DecodeBounds(#[from] BoundsError),
    /// The bytes are MessagePack, but not a `[compressed_data, checksum, original_size, format]`
    /// envelope of the right types.
    #[error("envelope is malformed at byte {offset}: {reason}")]
    Malformed { offset: usize, reason: &'static str },
    /// `compressed_data` is empty; no LZ4 block is empty, and the ratio rule cannot see it.
    #[error("compressed_data is empty, which no valid envelope contains")]
    EmptyCompressedData,
    /// `original_size` claims more than 1000 times the compressed length.
    #[error("original_size {original_size} is more than {ratio} times the {compressed_size}-byte compressed_data (decompression bomb)")]
    DecompressionBomb {
        original_size: u64,
        compressed_size: usize,
        ratio: u64,
    },
    /// The LZ4 block is corrupt or decodes to more than `original_size` bytes.
    #[error("LZ4 block does not decode within original_size {original_size}: {reason}")]
    DecompressionFailed {
        original_size: usize,
        reason: String,
    },
    /// The decompressed bytes do not hash to the stored xxHash3-64.
    #[error("checksum mismatch: stored xxh3-64 {expected}, decompressed data hashes to {actual}")]
    ChecksumMismatch { expected: String, actual: String },
    /// The block decoded to fewer bytes than `original_size` declares.
    #[error("decompressed {actual} bytes but original_size declares {expected}")]
    SizeMismatch { expected: usize, actual: usize },
    /// A caller-supplied output buffer has the wrong length.
    #[error(transparent)]
    OutputLength(#[from] OutputLengthError),
    /// LZ4 could not compress into its own worst-case bound (never expected).
    #[error("LZ4 compression failed: {0}")]
    CompressionFailed(String),
}

impl EnvelopeError {
    /// The stable code JavaScript sees as `err.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InputTooLarge { .. } => "ERR_INPUT_TOO_LARGE",
            Self::DecodeBounds(_) => "ERR_DECODE_BOUNDS",
            Self::Malformed { .. } => "ERR_DESERIALIZATION_FAILED",
            Self::EmptyCompressedData | Self::DecompressionBomb { .. } => "ERR_DECOMPRESSION_BOMB",
            Self::DecompressionFailed { .. } => "ERR_DECOMPRESSION_FAILED",
            Self::ChecksumMismatch { .. } => "ERR_CHECKSUM_MISMATCH",
            Self::SizeMismatch { .. } => "ERR_SIZE_MISMATCH",
            Self::OutputLength(_) => "ERR_INVALID_ARGUMENT",
            Self::CompressionFailed(_) => "ERR_COMPRESSION_FAILED",
        }
    }
}
