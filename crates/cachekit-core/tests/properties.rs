//! Property tests: envelopes, ciphertexts and keyed-integrity frames round-trip, and any single
//! bit flip or truncation is an error, never different data.

use cachekit_core::crypto::{Algorithm, TenantKeys, TenantMacKeys};
use cachekit_core::envelope::ByteStorage;
use proptest::prelude::*;

fn keys() -> TenantKeys {
    TenantKeys::derive(&[7u8; 32], "proptest-tenant", &[]).unwrap()
}

fn mac_keys() -> TenantMacKeys {
    TenantMacKeys::derive(&[7u8; 32], "proptest-tenant", &[]).unwrap()
}

fn payload() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..2048),
        // Compressible payloads exercise LZ4 matches, not only literals.
        (proptest::collection::vec(any::<u8>(), 1..16), 1usize..400)
            .prop_map(|(unit, repeats)| unit.repeat(repeats)),
    ]
}

fn algorithm() -> impl Strategy<Value = Algorithm> {
    prop_oneof![
        Just(Algorithm::Aes256Gcm),
        Just(Algorithm::ChaCha20Poly1305)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn store_then_retrieve_returns_the_input(data in payload(), format in "[a-z]{0,40}") {
        let storage = ByteStorage::default();
        let envelope = storage.store(&data, Some(&format)).unwrap();
        let retrieved = storage.retrieve(&envelope).unwrap();
        prop_assert_eq!(retrieved.data, data);
        prop_assert_eq!(retrieved.format, format);
    }

    #[test]
    fn a_bit_flip_in_an_envelope_is_an_error_or_the_same_data(data in payload(), bit in any::<prop::sample::Index>()) {
        let storage = ByteStorage::default();
        let mut envelope = storage.store(&data, None).unwrap();
        let bit = bit.index(envelope.len() * 8);
        envelope[bit / 8] ^= 1 << (bit % 8);
        // A flip can only ever be harmless where it changes the encoding but not the value
        // (none exist in a canonical envelope, yet the property is what matters): it must
        // never yield *different* bytes.
        if let Ok(retrieved) = storage.retrieve(&envelope) {
            prop_assert_eq!(retrieved.data, data);
        }
    }

    #[test]
    fn a_truncated_envelope_is_an_error(data in payload(), cut in any::<prop::sample::Index>()) {
        let storage = ByteStorage::default();
        let envelope = storage.store(&data, None).unwrap();
        let cut = cut.index(envelope.len());
        prop_assert!(storage.retrieve(&envelope[..cut]).is_err());
    }

    #[test]
    fn encrypt_then_decrypt_returns_the_input(data in payload(), aad in proptest::collection::vec(any::<u8>(), 0..64), algorithm in algorithm()) {
        let keys = keys();
        let ciphertext = keys.encrypt(&data, &aad, algorithm).unwrap();
        prop_assert_eq!(ciphertext.len(), data.len() + 28);
        prop_assert_eq!(keys.decrypt(&ciphertext, &aad, algorithm).unwrap(), data);
    }

    #[test]
    fn a_bit_flip_in_a_ciphertext_fails_authentication(data in payload(), bit in any::<prop::sample::Index>(), algorithm in algorithm()) {
        let keys = keys();
        let mut ciphertext = keys.encrypt(&data, b"aad", algorithm).unwrap();
        let bit = bit.index(ciphertext.len() * 8);
        ciphertext[bit / 8] ^= 1 << (bit % 8);
        prop_assert!(keys.decrypt(&ciphertext, b"aad", algorithm).is_err());
    }

    #[test]
    fn a_truncated_ciphertext_is_an_error(data in payload(), cut in any::<prop::sample::Index>(), algorithm in algorithm()) {
        let keys = keys();
        let ciphertext = keys.encrypt(&data, b"aad", algorithm).unwrap();
        let cut = cut.index(ciphertext.len());
        prop_assert!(keys.decrypt(&ciphertext[..cut], b"aad", algorithm).is_err());
    }

    #[test]
    fn arbitrary_bytes_never_panic_retrieve(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = ByteStorage::default().retrieve(&bytes);
    }

    #[test]
    fn seal_then_open_a_mac_frame_returns_the_payload(data in payload(), aad in proptest::collection::vec(any::<u8>(), 0..64)) {
        let keys = mac_keys();
        let framed = keys.seal(&data, &aad).unwrap();
        prop_assert_eq!(framed.len(), data.len() + 52);
        prop_assert_eq!(keys.open(&framed, &aad).unwrap(), &data[..]);
    }

    #[test]
    fn a_bit_flip_in_a_mac_frame_or_its_aad_is_refused(data in payload(), bit in any::<prop::sample::Index>(), in_aad in any::<bool>()) {
        let keys = mac_keys();
        let mut aad = b"tenant and key".to_vec();
        let mut framed = keys.seal(&data, &aad).unwrap();
        let target = if in_aad { &mut aad } else { &mut framed };
        let bit = bit.index(target.len() * 8);
        target[bit / 8] ^= 1 << (bit % 8);
        prop_assert!(keys.open(&framed, &aad).is_err());
    }

    #[test]
    fn a_truncated_or_extended_mac_frame_is_refused(data in payload(), cut in any::<prop::sample::Index>(), extra in proptest::collection::vec(any::<u8>(), 1..8)) {
        let keys = mac_keys();
        let framed = keys.seal(&data, b"aad").unwrap();
        let cut = cut.index(framed.len());
        prop_assert!(keys.open(&framed[..cut], b"aad").is_err());
        let mut extended = framed.clone();
        extended.extend_from_slice(&extra);
        prop_assert!(keys.open(&extended, b"aad").is_err());
    }

    #[test]
    fn arbitrary_bytes_never_open_as_a_mac_frame(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        prop_assert!(mac_keys().open(&bytes, b"aad").is_err());
    }
}
