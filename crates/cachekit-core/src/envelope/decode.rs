//! Reading an envelope: size cap, decode-bounds pre-scan, typed decode, size caps, bomb rule
//! (Retrieve Flow steps 1–5). Decompression and the checksum/size checks follow in
//! [`ParsedEnvelope::decompress_into`].

use std::borrow::Cow;

use rmp::Marker;

use super::error::EnvelopeError;
use crate::hash::{to_lower_hex, xxh3_64};
use crate::limits::{
    MAX_COMPRESSED_SIZE, MAX_COMPRESSION_RATIO, MAX_MSGPACK_DEPTH, MAX_UNCOMPRESSED_SIZE,
};
use crate::msgpack_bounds::check_document;

/// An envelope whose fields decoded and passed every check that needs no decompression.
#[derive(Debug)]
pub struct ParsedEnvelope<'a> {
    compressed: Cow<'a, [u8]>,
    checksum: [u8; 8],
    original_size: usize,
    format: &'a str,
}

impl<'a> ParsedEnvelope<'a> {
    /// Decoded length the envelope declares (already checked against the caps and the ratio).
    pub fn original_size(&self) -> usize {
        self.original_size
    }

    /// The LZ4 block, borrowed for `bin` envelopes and collected for legacy ones.
    pub fn compressed(&self) -> &[u8] {
        &self.compressed
    }

    /// The stored xxHash3-64 of the uncompressed payload, big-endian.
    pub fn checksum(&self) -> [u8; 8] {
        self.checksum
    }

    /// The envelope's format string (normally `msgpack`).
    pub fn format(&self) -> &'a str {
        self.format
    }

    /// Decompresses into `out` (exactly [`Self::original_size`] bytes), then verifies the
    /// checksum and then the length. On error `out` holds no meaning and must be discarded.
    pub fn decompress_into(&self, out: &mut [u8]) -> Result<(), EnvelopeError> {
        let written = lz4_flex::block::decompress_into(&self.compressed, out).map_err(|err| {
            EnvelopeError::DecompressionFailed {
                original_size: self.original_size,
                reason: err.to_string(),
            }
        })?;
        let decoded = out.get(..written).unwrap_or_default();
        let actual = xxh3_64(decoded);
        if actual != self.checksum {
            return Err(EnvelopeError::ChecksumMismatch {
                expected: to_lower_hex(&self.checksum),
                actual: to_lower_hex(&actual),
            });
        }
        if written != self.original_size {
            return Err(EnvelopeError::SizeMismatch {
                expected: self.original_size,
                actual: written,
            });
        }
        Ok(())
    }
}

/// Runs Retrieve Flow steps 1–5 on untrusted bytes.
pub fn parse(envelope: &[u8]) -> Result<ParsedEnvelope<'_>, EnvelopeError> {
    parse_within(envelope, MAX_UNCOMPRESSED_SIZE)
}

/// [`parse`], refusing an `original_size` over `max_original_size` as well as over the
/// protocol's cap: a reader whose configuration never writes values above some size can
/// refuse a larger declared one before it allocates the output.
pub fn parse_within(
    envelope: &[u8],
    max_original_size: usize,
) -> Result<ParsedEnvelope<'_>, EnvelopeError> {
    let size_limit = max_original_size.min(MAX_UNCOMPRESSED_SIZE);
    if envelope.len() > MAX_COMPRESSED_SIZE {
        return Err(EnvelopeError::InputTooLarge {
            what: "envelope",
            size: envelope.len() as u64,
            limit: MAX_COMPRESSED_SIZE,
        });
    }
    check_document(envelope, MAX_MSGPACK_DEPTH)?;

    let mut reader = Reader {
        bytes: envelope,
        pos: 0,
    };
    if reader.array_len("envelope must be an array")? != 4 {
        return Err(reader.malformed_at(0, "envelope must be an array of exactly 4 fields"));
    }
    let compressed = reader.compressed_data()?;
    let checksum = reader.checksum()?;
    let original_size = reader.uint("original_size must be a non-negative integer")?;
    let format = reader.str("format must be a UTF-8 string")?;
    if reader.pos != envelope.len() {
        return Err(reader.malformed("bytes follow the envelope"));
    }

    if compressed.len() > MAX_COMPRESSED_SIZE {
        return Err(EnvelopeError::InputTooLarge {
            what: "compressed_data",
            size: compressed.len() as u64,
            limit: MAX_COMPRESSED_SIZE,
        });
    }
    if original_size > size_limit as u64 {
        return Err(EnvelopeError::InputTooLarge {
            what: "original_size",
            size: original_size,
            limit: size_limit,
        });
    }
    if compressed.is_empty() {
        return Err(EnvelopeError::EmptyCompressedData);
    }
    let within_ratio = (compressed.len() as u64)
        .checked_mul(MAX_COMPRESSION_RATIO)
        .is_some_and(|bound| original_size <= bound);
    if !within_ratio {
        return Err(EnvelopeError::DecompressionBomb {
            original_size,
            compressed_size: compressed.len(),
            ratio: MAX_COMPRESSION_RATIO,
        });
    }
    Ok(ParsedEnvelope {
        compressed,
        checksum,
        // At most `size_limit` (so at most 512 MiB) after the cap above.
        original_size: original_size as usize,
        format,
    })
}

/// A typed cursor over envelope bytes that already passed the pre-scan (so every declared
/// length is backed by input; the reads are still checked and never index out of range).
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn malformed(&self, reason: &'static str) -> EnvelopeError {
        self.malformed_at(self.pos, reason)
    }

    fn malformed_at(&self, offset: usize, reason: &'static str) -> EnvelopeError {
        EnvelopeError::Malformed { offset, reason }
    }

    fn take(&mut self, len: usize, reason: &'static str) -> Result<&'a [u8], EnvelopeError> {
        let end = self
            .pos
            .checked_add(len)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| self.malformed(reason))?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    fn be(&mut self, width: usize, reason: &'static str) -> Result<u64, EnvelopeError> {
        let field = self.take(width, reason)?;
        Ok(field.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }

    fn marker(&mut self, reason: &'static str) -> Result<Marker, EnvelopeError> {
        Ok(Marker::from_u8(self.take(1, reason)?[0]))
    }

    /// Length of an array header at the cursor, or `None` (cursor unmoved) for another type.
    fn try_array_len(&mut self, reason: &'static str) -> Result<Option<u64>, EnvelopeError> {
        let start = self.pos;
        let len = match self.marker(reason)? {
            Marker::FixArray(len) => u64::from(len),
            Marker::Array16 => self.be(2, reason)?,
            Marker::Array32 => self.be(4, reason)?,
            _ => {
                self.pos = start;
                return Ok(None);
            }
        };
        Ok(Some(len))
    }

    fn array_len(&mut self, reason: &'static str) -> Result<u64, EnvelopeError> {
        let start = self.pos;
        self.try_array_len(reason)?
            .ok_or_else(|| self.malformed_at(start, reason))
    }

    /// An integer of any MessagePack width whose value is in `0..=u64::MAX`, as serde's
    /// unsigned targets accept it.
    fn uint(&mut self, reason: &'static str) -> Result<u64, EnvelopeError> {
        let start = self.pos;
        let negative = |reader: &Self| reader.malformed_at(start, reason);
        let signed = |value: i64, reader: &Self| u64::try_from(value).map_err(|_| negative(reader));
        match self.marker(reason)? {
            Marker::FixPos(value) => Ok(u64::from(value)),
            Marker::U8 => self.be(1, reason),
            Marker::U16 => self.be(2, reason),
            Marker::U32 => self.be(4, reason),
            Marker::U64 => self.be(8, reason),
            Marker::I8 => {
                let value = self.be(1, reason)? as u8 as i8;
                signed(i64::from(value), self)
            }
            Marker::I16 => {
                let value = self.be(2, reason)? as u16 as i16;
                signed(i64::from(value), self)
            }
            Marker::I32 => {
                let value = self.be(4, reason)? as u32 as i32;
                signed(i64::from(value), self)
            }
            Marker::I64 => {
                let value = self.be(8, reason)? as i64;
                signed(value, self)
            }
            _ => Err(self.malformed_at(start, reason)),
        }
    }

    fn byte(&mut self, reason: &'static str) -> Result<u8, EnvelopeError> {
        let start = self.pos;
        let value = self.uint(reason)?;
        u8::try_from(value).map_err(|_| self.malformed_at(start, reason))
    }

    /// `compressed_data`: msgpack bin (protocol 1.1+), or the legacy array of byte integers.
    fn compressed_data(&mut self) -> Result<Cow<'a, [u8]>, EnvelopeError> {
        const REASON: &str = "compressed_data must be bin or an array of integers 0..=255";
        let start = self.pos;
        let bin_len = match self.marker(REASON)? {
            Marker::Bin8 => Some(self.be(1, REASON)?),
            Marker::Bin16 => Some(self.be(2, REASON)?),
            Marker::Bin32 => Some(self.be(4, REASON)?),
            _ => None,
        };
        if let Some(len) = bin_len {
            let len = usize::try_from(len).map_err(|_| self.malformed_at(start, REASON))?;
            return Ok(Cow::Borrowed(self.take(len, REASON)?));
        }
        self.pos = start;
        let count = self
            .try_array_len(REASON)?
            .ok_or_else(|| self.malformed_at(start, REASON))?;
        // The pre-scan bounded `count` by the input length, so this allocation is backed.
        let count = usize::try_from(count).map_err(|_| self.malformed_at(start, REASON))?;
        let mut bytes = Vec::with_capacity(count);
        for _ in 0..count {
            bytes.push(self.byte(REASON)?);
        }
        Ok(Cow::Owned(bytes))
    }

    /// `checksum`: always an array of exactly 8 integers 0..=255.
    fn checksum(&mut self) -> Result<[u8; 8], EnvelopeError> {
        const REASON: &str = "checksum must be an array of exactly 8 integers 0..=255";
        let start = self.pos;
        if self.array_len(REASON)? != 8 {
            return Err(self.malformed_at(start, REASON));
        }
        let mut checksum = [0u8; 8];
        for byte in &mut checksum {
            *byte = self.byte(REASON)?;
        }
        Ok(checksum)
    }

    fn str(&mut self, reason: &'static str) -> Result<&'a str, EnvelopeError> {
        let start = self.pos;
        let len = match self.marker(reason)? {
            Marker::FixStr(len) => u64::from(len),
            Marker::Str8 => self.be(1, reason)?,
            Marker::Str16 => self.be(2, reason)?,
            Marker::Str32 => self.be(4, reason)?,
            _ => return Err(self.malformed_at(start, reason)),
        };
        let len = usize::try_from(len).map_err(|_| self.malformed_at(start, reason))?;
        let bytes = self.take(len, reason)?;
        std::str::from_utf8(bytes).map_err(|_| self.malformed_at(start, reason))
    }
}
