//! A two-step store for callers that allocate the output themselves once its exact length is
//! known (the N-API binding lets JavaScript allocate, which is far cheaper than a native
//! Buffer): compress now, learn the length, write later. The compressed block lives in this
//! thread's scratch buffer, borrowed by value, so nothing is copied between the steps.

use super::encode::{compress_block, from_parts};
use super::error::EnvelopeError;
use super::scratch::{give_back_scratch, take_scratch};
use crate::hash::xxh3_64;
use crate::limits::MAX_UNCOMPRESSED_SIZE;
use crate::output::check_output_len;

/// An envelope compressed but not yet written. Dropping it returns the scratch buffer.
#[derive(Debug)]
pub struct PendingEnvelope {
    block: Vec<u8>,
    compressed_len: usize,
    checksum: [u8; 8],
    original_size: u64,
    format: String,
    len: usize,
}

impl PendingEnvelope {
    /// Compresses `data` and checks every size limit; the envelope is then [`Self::len`] long.
    pub fn compress(data: &[u8], format: String) -> Result<Self, EnvelopeError> {
        if data.len() > MAX_UNCOMPRESSED_SIZE {
            return Err(EnvelopeError::InputTooLarge {
                what: "input",
                size: data.len() as u64,
                limit: MAX_UNCOMPRESSED_SIZE,
            });
        }
        let mut pending = Self {
            block: take_scratch(),
            compressed_len: 0,
            checksum: xxh3_64(data),
            original_size: data.len() as u64,
            format,
            len: 0,
        };
        pending.compressed_len = compress_block(data, &mut pending.block)?;
        pending.len = from_parts(
            &pending.block[..pending.compressed_len],
            pending.checksum,
            pending.original_size,
            &pending.format,
        )?
        .len();
        Ok(pending)
    }

    /// Length of the serialized envelope.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always false: an envelope has at least its headers.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Writes the envelope into `out`, which must be exactly [`Self::len`] bytes.
    pub fn write_into(&self, out: &mut [u8]) -> Result<(), EnvelopeError> {
        check_output_len(out, self.len)?;
        from_parts(
            &self.block[..self.compressed_len],
            self.checksum,
            self.original_size,
            &self.format,
        )?
        .write_into(out);
        Ok(())
    }
}

impl Drop for PendingEnvelope {
    fn drop(&mut self) {
        give_back_scratch(std::mem::take(&mut self.block));
    }
}
