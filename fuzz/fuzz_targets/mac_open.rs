//! Arbitrary bytes as a keyed-integrity frame: opening must never panic and never verify a
//! forgery; the same bytes as a payload must round-trip.
#![no_main]

use cachekit_core_fuzz::tenant_mac_keys;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let keys = tenant_mac_keys();
    let (aad, body) = input.split_at(input.len().min(8));
    assert!(keys.open(body, aad).is_err(), "forged frame verified");
    let framed = keys.seal(body, aad).expect("seals");
    assert_eq!(keys.open(&framed, aad).expect("opens"), body);
});
