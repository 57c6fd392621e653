//! The decode-bounds pre-scan: a header-only walk over untrusted MessagePack that rejects a
//! document before anything is materialised when it nests too deep, declares more elements
//! or bytes than the input can back, or ends before its root item does
//! (protocol `spec/interop-mode.md` → Decode bounds, pinned by `decode-bounds.json`).
//!
//! The overclaim rule is global, not per header: the declared slots summed over the whole
//! document (one per array element, two per map pair, one per str/bin/ext byte) must not
//! exceed `input_len - 1`, because every slot needs at least one input byte and the root
//! header is the only byte that is not an element of something.
//!
//! Here it guards the envelope the core reads (and anything a caller of the crate hands it);
//! the payload inside is scanned again in TypeScript (`src/msgpack/bounds.ts`), where it is
//! decoded and where cachekit's decode budget is added — a native scan there would cost an
//! N-API crossing per decode, more than the whole JS scan of a small value.

use thiserror::Error;

/// Why the pre-scan refused a document.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BoundsError {
    /// Collections nest deeper than the caller's bound.
    #[error("nests deeper than {max_depth} levels")]
    TooDeep { max_depth: usize },
    /// Declared slots exceed what the input could ever back.
    #[error(
        "declares {declared} elements/bytes but a {input_len}-byte input can back at most {budget}"
    )]
    Overclaim {
        declared: u64,
        input_len: usize,
        budget: u64,
    },
    /// The input ends before the root item is complete.
    #[error("ends before the document is complete (at byte {offset})")]
    Incomplete { offset: usize },
    /// The reserved marker 0xc1, which no encoder writes.
    #[error("contains the reserved marker 0xc1 at byte {offset}")]
    ReservedMarker { offset: usize },
}

/// What one header declares: how many input bytes it occupies itself, how many payload bytes
/// follow it directly (str/bin/ext), and how many child items follow (array/map).
struct Header {
    header_len: usize,
    payload_len: u64,
    children: u64,
    is_collection: bool,
}

/// Checks that `bytes` start with one complete MessagePack document within the bounds, and
/// returns the document's length (a length below `bytes.len()` means trailing bytes follow).
pub fn check_document(bytes: &[u8], max_depth: usize) -> Result<usize, BoundsError> {
    let budget = (bytes.len() as u64).saturating_sub(1);
    let mut declared: u64 = 0;
    // Items still owed by each open, non-empty collection; its length is the current depth.
    let mut open: Vec<u64> = Vec::new();
    let mut pos = 0usize;
    loop {
        let header = read_header(bytes, pos)?;
        let slots = if header.is_collection {
            header.children
        } else {
            header.payload_len
        };
        declared = declared
            .checked_add(slots)
            .filter(|total| *total <= budget)
            .ok_or(BoundsError::Overclaim {
                declared: declared.saturating_add(slots),
                input_len: bytes.len(),
                budget,
            })?;
        // The payload is backed (declared <= budget keeps it below usize range), so skip it.
        let end = (pos as u64)
            .checked_add(header.header_len as u64)
            .and_then(|end| end.checked_add(header.payload_len))
            .filter(|end| *end <= bytes.len() as u64)
            .ok_or(BoundsError::Incomplete {
                offset: bytes.len(),
            })?;
        pos = end as usize;

        if header.is_collection {
            if open.len() + 1 > max_depth {
                return Err(BoundsError::TooDeep { max_depth });
            }
            if header.children > 0 {
                open.push(header.children);
                continue;
            }
        }
        // One item finished; close every collection it completes.
        loop {
            match open.last_mut() {
                None => return Ok(pos),
                Some(owed) => {
                    *owed -= 1;
                    if *owed > 0 {
                        break;
                    }
                    open.pop();
                }
            }
        }
    }
}

fn read_header(bytes: &[u8], pos: usize) -> Result<Header, BoundsError> {
    let incomplete = BoundsError::Incomplete { offset: pos };
    let marker = *bytes.get(pos).ok_or(incomplete.clone())?;
    let length = |width: usize| -> Result<u64, BoundsError> {
        let field = bytes
            .get(pos + 1..pos + 1 + width)
            .ok_or(BoundsError::Incomplete { offset: pos })?;
        Ok(field.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    };
    let scalar = |len: usize| Header {
        header_len: len,
        payload_len: 0,
        children: 0,
        is_collection: false,
    };
    let bytes_of = |width: usize, payload: u64| Header {
        header_len: 1 + width,
        payload_len: payload,
        children: 0,
        is_collection: false,
    };
    let collection = |width: usize, children: u64| Header {
        header_len: 1 + width,
        payload_len: 0,
        children,
        is_collection: true,
    };
    Ok(match marker {
        0x00..=0x7f | 0xe0..=0xff | 0xc0 | 0xc2 | 0xc3 => scalar(1),
        0x80..=0x8f => collection(0, 2 * u64::from(marker & 0x0f)),
        0x90..=0x9f => collection(0, u64::from(marker & 0x0f)),
        0xa0..=0xbf => bytes_of(0, u64::from(marker & 0x1f)),
        0xc1 => return Err(BoundsError::ReservedMarker { offset: pos }),
        0xc4 | 0xd9 => bytes_of(1, length(1)?),
        0xc5 | 0xda => bytes_of(2, length(2)?),
        0xc6 | 0xdb => bytes_of(4, length(4)?),
        // ext8/16/32: length, then one type byte, then the data.
        0xc7 => ext(1, length(1)?),
        0xc8 => ext(2, length(2)?),
        0xc9 => ext(4, length(4)?),
        0xcc | 0xd0 => scalar(2),
        0xcd | 0xd1 => scalar(3),
        0xca | 0xce | 0xd2 => scalar(5),
        0xcb | 0xcf | 0xd3 => scalar(9),
        // fixext 1/2/4/8/16: a type byte and fixed data; they declare no slots.
        0xd4 => scalar(3),
        0xd5 => scalar(4),
        0xd6 => scalar(6),
        0xd7 => scalar(10),
        0xd8 => scalar(18),
        0xdc => collection(2, length(2)?),
        0xdd => collection(4, length(4)?),
        0xde => collection(2, 2 * length(2)?),
        0xdf => collection(4, 2 * length(4)?),
    })
}

/// An ext header: the declared data length counts as slots; the type byte is part of the header.
fn ext(width: usize, payload: u64) -> Header {
    Header {
        header_len: 2 + width,
        payload_len: payload,
        children: 0,
        is_collection: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_complete_document_and_reports_its_length() {
        assert_eq!(check_document(&[0x92, 0x91, 0xc0, 0xa1, b'x'], 8), Ok(5));
        assert_eq!(check_document(&[0xc0, 0xff], 8), Ok(1));
    }

    #[test]
    fn counts_an_empty_collection_as_a_level() {
        assert_eq!(check_document(&[0x91, 0x91, 0x90], 3), Ok(3));
        assert_eq!(
            check_document(&[0x91, 0x91, 0x90], 2),
            Err(BoundsError::TooDeep { max_depth: 2 })
        );
    }

    #[test]
    fn rejects_a_map_whose_value_is_missing_as_an_overclaim() {
        assert!(matches!(
            check_document(&[0x81, 0xc0], 8),
            Err(BoundsError::Overclaim { declared: 2, .. })
        ));
    }

    #[test]
    fn rejects_the_empty_input_as_incomplete() {
        assert_eq!(
            check_document(&[], 8),
            Err(BoundsError::Incomplete { offset: 0 })
        );
    }
}
