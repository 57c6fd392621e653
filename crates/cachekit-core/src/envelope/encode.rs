//! Writing an envelope: `[bin compressed_data, [8 checksum uints], uint original_size, str
//! format]`, byte for byte what `rmp_serde::to_vec` writes for the protocol's struct.

use rmp::encode::{write_array_len, write_bin_len, write_str_len, write_uint};

use super::error::EnvelopeError;
use crate::hash::xxh3_64;
use crate::limits::{MAX_COMPRESSED_SIZE, MAX_UNCOMPRESSED_SIZE};

/// Longest array header + bin32 header.
const PREFIX_CAP: usize = 1 + 5;
/// Longest checksum array (header + 8 × `cc XX`) + uint32 + str32 header.
const SUFFIX_CAP: usize = 1 + 16 + 5 + 5;

/// An envelope whose parts are computed but not yet laid out, so the caller can allocate the
/// output once, at its exact length, wherever it wants (a Vec, or a JavaScript Buffer).
#[derive(Debug)]
pub struct PreparedEnvelope<'a> {
    prefix: [u8; PREFIX_CAP],
    prefix_len: usize,
    compressed: &'a [u8],
    suffix: [u8; SUFFIX_CAP],
    suffix_len: usize,
    format: &'a [u8],
}

impl PreparedEnvelope<'_> {
    /// Length of the serialized envelope.
    pub fn len(&self) -> usize {
        self.prefix_len + self.compressed.len() + self.suffix_len + self.format.len()
    }

    /// Always false: an envelope has at least its headers.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Writes the envelope into `out`, which must be exactly [`Self::len`] bytes long.
    pub fn write_into(&self, out: &mut [u8]) {
        let (prefix, rest) = out.split_at_mut(self.prefix_len);
        prefix.copy_from_slice(&self.prefix[..self.prefix_len]);
        let (compressed, rest) = rest.split_at_mut(self.compressed.len());
        compressed.copy_from_slice(self.compressed);
        let (suffix, format) = rest.split_at_mut(self.suffix_len);
        suffix.copy_from_slice(&self.suffix[..self.suffix_len]);
        format.copy_from_slice(self.format);
    }

    /// The envelope as a new Vec.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = vec![0u8; self.len()];
        self.write_into(&mut out);
        out
    }
}

/// Inputs shorter than this are written as a single literals-only LZ4 sequence: too short for
/// a match to pay, so the match search is skipped, and it is exactly the block the published
/// cachekit-core writes for them, so envelopes stay byte-identical across SDKs.
pub const LITERAL_ONLY_BELOW: usize = 64;

/// Writes the LZ4 block of `data` at the start of `scratch` (grown as needed) and returns its
/// length: literals-only below [`LITERAL_ONLY_BELOW`], `lz4_flex`'s block encoder above.
pub fn compress_block(data: &[u8], scratch: &mut Vec<u8>) -> Result<usize, EnvelopeError> {
    if data.len() < LITERAL_ONLY_BELOW {
        // The block format's last-sequence form: a token whose high nibble is the literal
        // count (15 means one extension byte follows), then the literals.
        scratch.clear();
        if data.len() < 15 {
            scratch.push((data.len() as u8) << 4);
        } else {
            scratch.push(0xf0);
            scratch.push((data.len() - 15) as u8);
        }
        scratch.extend_from_slice(data);
        return Ok(scratch.len());
    }
    let bound = lz4_flex::block::get_maximum_output_size(data.len());
    if scratch.len() < bound {
        scratch.resize(bound, 0);
    }
    lz4_flex::block::compress_into(data, scratch)
        .map_err(|err| EnvelopeError::CompressionFailed(err.to_string()))
}

/// Compresses `data` into `scratch` and lays out the headers around it.
pub fn prepare<'a>(
    data: &[u8],
    format: &'a str,
    scratch: &'a mut Vec<u8>,
) -> Result<PreparedEnvelope<'a>, EnvelopeError> {
    if data.len() > MAX_UNCOMPRESSED_SIZE {
        return Err(EnvelopeError::InputTooLarge {
            what: "input",
            size: data.len() as u64,
            limit: MAX_UNCOMPRESSED_SIZE,
        });
    }
    let compressed_len = compress_block(data, scratch)?;
    from_parts(
        &scratch[..compressed_len],
        xxh3_64(data),
        data.len() as u64,
        format,
    )
}

/// Lays out an envelope from its four fields (for re-encoding decoded fields byte for byte).
pub fn from_parts<'a>(
    compressed: &'a [u8],
    checksum: [u8; 8],
    original_size: u64,
    format: &'a str,
) -> Result<PreparedEnvelope<'a>, EnvelopeError> {
    let too_large = |what, size: u64, limit| EnvelopeError::InputTooLarge { what, size, limit };
    let compressed_len = u32::try_from(compressed.len())
        .ok()
        .filter(|len| *len as usize <= MAX_COMPRESSED_SIZE)
        .ok_or(too_large(
            "compressed data",
            compressed.len() as u64,
            MAX_COMPRESSED_SIZE,
        ))?;
    if original_size > MAX_UNCOMPRESSED_SIZE as u64 {
        return Err(too_large(
            "original_size",
            original_size,
            MAX_UNCOMPRESSED_SIZE,
        ));
    }
    let format_len = u32::try_from(format.len())
        .map_err(|_| too_large("format", format.len() as u64, u32::MAX as usize))?;
    let header_error = |_| EnvelopeError::CompressionFailed("envelope header overflow".into());

    let mut prefix = [0u8; PREFIX_CAP];
    let prefix_len = {
        let mut cursor: &mut [u8] = &mut prefix;
        write_array_len(&mut cursor, 4).map_err(header_error)?;
        write_bin_len(&mut cursor, compressed_len).map_err(header_error)?;
        PREFIX_CAP - cursor.len()
    };

    let mut suffix = [0u8; SUFFIX_CAP];
    let suffix_len = {
        let mut cursor: &mut [u8] = &mut suffix;
        write_array_len(&mut cursor, 8).map_err(header_error)?;
        for byte in checksum {
            write_uint(&mut cursor, u64::from(byte)).map_err(header_error)?;
        }
        write_uint(&mut cursor, original_size).map_err(header_error)?;
        write_str_len(&mut cursor, format_len).map_err(header_error)?;
        SUFFIX_CAP - cursor.len()
    };

    let prepared = PreparedEnvelope {
        prefix,
        prefix_len,
        compressed,
        suffix,
        suffix_len,
        format: format.as_bytes(),
    };
    if prepared.len() > MAX_COMPRESSED_SIZE {
        return Err(EnvelopeError::InputTooLarge {
            what: "envelope",
            size: prepared.len() as u64,
            limit: MAX_COMPRESSED_SIZE,
        });
    }
    Ok(prepared)
}
