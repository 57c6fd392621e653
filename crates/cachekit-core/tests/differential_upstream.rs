//! Differential tests against the published `cachekit-core` crate (0.7.4, renamed `upstream`):
//! identical envelope bytes for thousands of random inputs, identical retrieval verdicts,
//! identical derived keys, and each side decrypts the other's ciphertext.

use cachekit_core::crypto::direct::{decrypt_aes_gcm, encrypt_aes_gcm};
use cachekit_core::crypto::kdf::key_fingerprint;
use cachekit_core::crypto::{derive_domain_key, Algorithm, TenantKeys};
use cachekit_core::envelope::{ByteStorage, EnvelopeError};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn payload() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..4096),
        (proptest::collection::vec(any::<u8>(), 1..24), 1usize..3000)
            .prop_map(|(unit, repeats)| unit.repeat(repeats)),
        // Text-like data with long partial repeats, the common cache payload shape.
        proptest::collection::vec(
            prop::sample::select(b"abc{}\":, 0123456789".to_vec()),
            0..8192
        ),
    ]
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn envelopes_are_byte_identical_for_thousands_of_random_inputs() {
    let ours = ByteStorage::default();
    let theirs = upstream::ByteStorage::new(None);
    runner(4000)
        .run(&(payload(), "[a-z]{0,12}"), |(data, format)| {
            let mine = ours.store(&data, Some(&format)).unwrap();
            let published = theirs.store(&data, Some(format.clone())).unwrap();
            prop_assert_eq!(&mine, &published);
            let (their_data, their_format) = theirs.retrieve(&mine).unwrap();
            prop_assert_eq!(their_data, data);
            prop_assert_eq!(their_format, format);
            Ok(())
        })
        .unwrap();
}

#[test]
fn both_refuse_the_same_corrupted_envelopes() {
    let ours = ByteStorage::default();
    let theirs = upstream::ByteStorage::new(None);
    runner(3000)
        .run(
            &(payload(), any::<prop::sample::Index>(), any::<u8>()),
            |(data, at, xor)| {
                let mut envelope = ours.store(&data, None).unwrap();
                let at = at.index(envelope.len());
                envelope[at] ^= xor.max(1);
                let mine = ours.retrieve(&envelope).map(|r| r.data);
                let published = theirs.retrieve(&envelope).map(|(data, _)| data);
                match (mine, published) {
                    (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
                    (Err(_), Err(_)) => {}
                    // Deliberately stricter typed decode: upstream ignores bytes after the envelope
                    // and (through serde_bytes) takes a str as compressed_data; we refuse both.
                    (Err(EnvelopeError::Malformed { .. }), Ok(_)) => {}
                    (mine, published) => prop_assert!(
                        false,
                        "verdicts differ: ours {:?}, upstream {:?}",
                        mine.map(|_| ()),
                        published.map(|_| ())
                    ),
                }
                Ok(())
            },
        )
        .unwrap();
}

#[test]
fn derived_keys_and_fingerprints_are_identical() {
    runner(300)
        .run(
            &(
                any::<[u8; 32]>(),
                "[a-zA-Z0-9:_-]{1,40}",
                prop::sample::select(vec!["encryption", "authentication", "cache_keys"]),
            ),
            |(master, tenant, domain)| {
                let mine = derive_domain_key(&master, domain, tenant.as_bytes()).unwrap();
                let published =
                    upstream::derive_domain_key(&master, domain, tenant.as_bytes()).unwrap();
                prop_assert_eq!(mine.as_slice(), published.as_slice());
                let keys = TenantKeys::derive(&master, &tenant, &[]).unwrap();
                let theirs =
                    upstream::encryption::key_derivation::derive_tenant_keys(&master, &tenant)
                        .unwrap();
                prop_assert_eq!(keys.fingerprint(), theirs.encryption_fingerprint());
                prop_assert_eq!(
                    keys.authentication_fingerprint(),
                    theirs.authentication_fingerprint()
                );
                prop_assert_eq!(
                    keys.cache_keys_fingerprint(),
                    key_fingerprint(&theirs.cache_key_salt)
                );
                Ok(())
            },
        )
        .unwrap();
}

#[test]
fn each_side_decrypts_the_others_ciphertext() {
    let published = upstream::ZeroKnowledgeEncryptor::new().unwrap();
    runner(1000)
        .run(
            &(
                payload(),
                any::<[u8; 32]>(),
                proptest::collection::vec(any::<u8>(), 0..80),
            ),
            |(plaintext, master, aad)| {
                let key = derive_domain_key(&master, "encryption", b"differential").unwrap();
                let mine = encrypt_aes_gcm(&plaintext, key.as_slice(), &aad).unwrap();
                prop_assert_eq!(
                    published
                        .decrypt_aes_gcm(&mine, key.as_slice(), &aad)
                        .unwrap(),
                    plaintext.clone()
                );
                let theirs = published
                    .encrypt_aes_gcm(&plaintext, key.as_slice(), &aad)
                    .unwrap();
                prop_assert_eq!(
                    decrypt_aes_gcm(&theirs, key.as_slice(), &aad).unwrap(),
                    plaintext.clone()
                );
                let keys = TenantKeys::derive(&master, "differential", &[]).unwrap();
                prop_assert_eq!(
                    keys.decrypt(&theirs, &aad, Algorithm::Aes256Gcm).unwrap(),
                    plaintext
                );
                Ok(())
            },
        )
        .unwrap();
}
