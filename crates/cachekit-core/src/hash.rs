//! Digests used by the protocol: unkeyed BLAKE2b for cache keys (256-bit) and file-backend
//! names (128-bit), and xxHash3-64 for envelope checksums.
use blake2::digest::consts::{U16, U32};
use blake2::{Blake2b, Digest};

/// BLAKE2b with a 32-byte digest (unkeyed), as the cachekit key protocol uses.
pub fn blake2b_256(data: &[u8]) -> [u8; 32] {
    Blake2b::<U32>::digest(data).into()
}

/// BLAKE2b with a 16-byte digest (unkeyed): the file backend's on-disk name of a key.
pub fn blake2b_128(data: &[u8]) -> [u8; 16] {
    Blake2b::<U16>::digest(data).into()
}

/// Lowercase hex of [`blake2b_256`]: the args-hash segment of every cache key, so it is built
/// here in one pass rather than by a second formatting step on the caller's side.
pub fn blake2b_256_hex(data: &[u8]) -> String {
    to_lower_hex(&blake2b_256(data))
}

/// xxHash3-64 (seed 0) as 8 big-endian bytes: the envelope checksum's byte order.
pub fn xxh3_64(data: &[u8]) -> [u8; 8] {
    xxhash_rust::xxh3::xxh3_64(data).to_be_bytes()
}

/// Lowercase hex of `bytes`.
pub fn to_lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blake2b_256_of_empty_input_matches_the_reference_digest() {
        assert_eq!(
            blake2b_256_hex(b""),
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"
        );
    }

    #[test]
    fn blake2b_128_of_abc_matches_the_reference_digest() {
        // RFC 7693-style reference computed with Python's hashlib.blake2b(b"abc", digest_size=16).
        assert_eq!(
            to_lower_hex(&blake2b_128(b"abc")),
            "cf4ab791c62b8d2b2109c90275287816"
        );
    }

    #[test]
    fn xxh3_64_of_empty_input_is_the_protocol_checksum() {
        assert_eq!(to_lower_hex(&xxh3_64(b"")), "2d06800538d394c2");
    }
}
