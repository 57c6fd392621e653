//! Arbitrary bytes as a ciphertext: decrypt must never panic and never authenticate a forgery;
//! the same bytes as a plaintext must round-trip under both algorithms.
#![no_main]

use cachekit_core::crypto::Algorithm;
use cachekit_core_fuzz::tenant_keys;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let keys = tenant_keys();
    let (aad, body) = input.split_at(input.len().min(8));
    for algorithm in [Algorithm::Aes256Gcm, Algorithm::ChaCha20Poly1305] {
        assert!(
            keys.decrypt(body, aad, algorithm).is_err(),
            "forged ciphertext authenticated"
        );
        let sealed = keys.encrypt(body, aad, algorithm).expect("encrypts");
        assert_eq!(
            keys.decrypt(&sealed, aad, algorithm).expect("decrypts"),
            body
        );
    }
});
