//! Arbitrary bytes as a keyed-integrity frame: opening must never panic and never verify a
//! forgery; the same bytes as a payload must round-trip.
#![no_main]

use std::sync::OnceLock;

use cachekit_core::crypto::TenantMacKeys;
use libfuzzer_sys::fuzz_target;

fn keys() -> &'static TenantMacKeys {
    static KEYS: OnceLock<TenantMacKeys> = OnceLock::new();
    KEYS.get_or_init(|| TenantMacKeys::derive(&[0x42; 32], "fuzz", &[]).expect("valid key"))
}

fuzz_target!(|input: &[u8]| {
    let keys = keys();
    let (aad, body) = input.split_at(input.len().min(8));
    assert!(keys.open(body, aad).is_err(), "forged frame verified");
    let framed = keys.seal(body, aad).expect("seals");
    assert_eq!(keys.open(&framed, aad).expect("opens"), body);
});
