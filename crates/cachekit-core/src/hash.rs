//! Unkeyed BLAKE2b digests used for cache keys and file names.
use blake2::digest::consts::U32;
use blake2::{Blake2b, Digest};

/// BLAKE2b with a 32-byte digest (unkeyed), as the cachekit key protocol uses.
pub fn blake2b_256(data: &[u8]) -> [u8; 32] {
    let mut hasher = Blake2b::<U32>::new();
    hasher.update(data);
    hasher.finalize().into()
}
