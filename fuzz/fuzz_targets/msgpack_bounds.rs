//! Arbitrary bytes through the decode-bounds pre-scan: never a panic, and an accepted
//! document's reported length is within the input.
#![no_main]

use cachekit_core::limits::MAX_MSGPACK_DEPTH;
use cachekit_core::msgpack_bounds::check_document;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    if let Ok(len) = check_document(input, MAX_MSGPACK_DEPTH) {
        assert!(len >= 1 && len <= input.len());
        assert_eq!(check_document(&input[..len], MAX_MSGPACK_DEPTH), Ok(len));
    }
});
