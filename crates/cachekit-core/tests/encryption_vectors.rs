//! test-vectors/encryption.json (and the crypto rows of interop-mode.json) against the
//! key derivation, AAD and AEAD code.

mod support;

use cachekit_core::crypto::aead::{aes_gcm_for, seal};
use cachekit_core::crypto::direct::decrypt_aes_gcm;
use cachekit_core::crypto::{
    create_aad, derive_domain_key, key_fingerprint, parse_master_key_hex, AadFields, Algorithm,
    CryptoError, TenantKeys,
};
use cachekit_core::hash::to_lower_hex;
use serde_json::Value;
use support::{hex_field, load_vectors, rows, str_field};

fn aad_of(row: &Value, tenant_id: &str) -> Vec<u8> {
    create_aad(&AadFields {
        tenant_id,
        cache_key: str_field(row, "cache_key"),
        format: str_field(row, "format"),
        compressed: row["compressed"].as_bool().expect("compressed"),
        original_type: row["original_type"].as_str(),
    })
    .expect("AAD builds")
}

/// Checks that `row`'s AAD (for `tenant_id`) is its `aad_hex`, then opens its ciphertext under
/// `keys` with that AAD; `name` labels a failure.
fn open_row(
    keys: &TenantKeys,
    row: &Value,
    tenant_id: &str,
    name: &str,
) -> Result<Vec<u8>, CryptoError> {
    let aad = aad_of(row, tenant_id);
    assert_eq!(aad, hex_field(row, "aad_hex"), "{name}: AAD");
    keys.decrypt(
        &hex_field(row, "ciphertext_hex"),
        &aad,
        Algorithm::Aes256Gcm,
    )
}

/// Checks that `row` opens under `keys` to its `plaintext_hex`.
fn assert_row_opens(keys: &TenantKeys, row: &Value, tenant_id: &str, name: &str) {
    let opened = open_row(keys, row, tenant_id, name);
    assert_eq!(opened, Ok(hex_field(row, "plaintext_hex")), "{name}");
}

fn encryption_key(master_hex: &str, tenant_id: &str) -> Vec<u8> {
    let master = hex::decode(master_hex).unwrap();
    derive_domain_key(&master, "encryption", tenant_id.as_bytes())
        .unwrap()
        .to_vec()
}

#[test]
fn the_derived_key_fingerprints_match() {
    let file = load_vectors("encryption.json");
    let key = encryption_key(
        str_field(&file, "master_key_hex"),
        str_field(&file, "tenant_id"),
    );
    assert_eq!(
        to_lower_hex(&key_fingerprint(&key)),
        str_field(&file, "derived_key_fingerprint_hex")
    );
    let tenant = &file["default_tenant"];
    let key = encryption_key(
        str_field(&file, "master_key_hex"),
        str_field(tenant, "tenant_id"),
    );
    assert_eq!(
        to_lower_hex(&key_fingerprint(&key)),
        str_field(tenant, "derived_key_fingerprint_hex")
    );
    let keys = TenantKeys::derive(
        &hex_field(&file, "master_key_hex"),
        str_field(&file, "tenant_id"),
        &[],
    )
    .unwrap();
    assert_eq!(
        to_lower_hex(&keys.fingerprint()),
        str_field(&file, "derived_key_fingerprint_hex")
    );
}

#[test]
fn every_vector_builds_its_aad_decrypts_to_its_plaintext_and_re_seals_byte_for_byte() {
    let file = load_vectors("encryption.json");
    let tenant_id = str_field(&file, "tenant_id");
    let key = encryption_key(str_field(&file, "master_key_hex"), tenant_id);
    let keys = TenantKeys::derive(&hex_field(&file, "master_key_hex"), tenant_id, &[]).unwrap();
    let vectors = rows(&file, "vectors");
    assert_eq!(vectors.len(), 9);
    for row in vectors {
        let name = str_field(row, "name");
        let aad = aad_of(row, tenant_id);
        assert_eq!(aad, hex_field(row, "aad_hex"), "{name}: AAD");
        let ciphertext = hex_field(row, "ciphertext_hex");
        let plaintext = hex_field(row, "plaintext_hex");
        assert_eq!(
            decrypt_aes_gcm(&ciphertext, &key, &aad).unwrap(),
            plaintext,
            "{name}"
        );
        assert_eq!(
            keys.decrypt(&ciphertext, &aad, Algorithm::Aes256Gcm)
                .unwrap(),
            plaintext,
            "{name}: TenantKeys"
        );
        let nonce: [u8; 12] = ciphertext[..12].try_into().unwrap();
        let resealed = seal(&aes_gcm_for(&key).unwrap(), &nonce, &plaintext, &aad).unwrap();
        assert_eq!(resealed, ciphertext, "{name}: re-seal");
    }
}

#[test]
fn every_aad_reject_vector_fails_authentication() {
    let file = load_vectors("encryption.json");
    let tenant_id = str_field(&file, "tenant_id");
    let keys = TenantKeys::derive(&hex_field(&file, "master_key_hex"), tenant_id, &[]).unwrap();
    let rejects = rows(&file, "aad_reject_vectors");
    assert_eq!(rejects.len(), 10);
    for row in rejects {
        let name = str_field(row, "name");
        assert_eq!(
            open_row(&keys, row, tenant_id, name),
            Err(CryptoError::AuthenticationFailed),
            "{name}"
        );
    }
}

#[test]
fn decrypted_container_rows_decrypt_to_their_plaintext() {
    // What a reader then does with the plaintext is the TS codec's business; here the bytes.
    let file = load_vectors("encryption.json");
    let tenant_id = str_field(&file, "tenant_id");
    let keys = TenantKeys::derive(&hex_field(&file, "master_key_hex"), tenant_id, &[]).unwrap();
    for row in rows(&file["decrypted_container"], "vectors") {
        let aad = aad_of(row, tenant_id);
        assert_eq!(aad, hex_field(row, "aad_hex"));
        let plaintext = keys
            .decrypt(
                &hex_field(row, "ciphertext_hex"),
                &aad,
                Algorithm::Aes256Gcm,
            )
            .unwrap();
        assert_eq!(
            plaintext,
            hex_field(row, "plaintext_hex"),
            "{}",
            str_field(row, "name")
        );
    }
}

#[test]
fn the_default_tenant_row_decrypts() {
    let file = load_vectors("encryption.json");
    let tenant = &file["default_tenant"];
    let keys = TenantKeys::derive(
        &hex_field(&file, "master_key_hex"),
        str_field(tenant, "tenant_id"),
        &[],
    )
    .unwrap();
    for row in rows(tenant, "vectors") {
        assert_row_opens(&keys, row, "default", "default tenant");
    }
}

#[test]
fn keyring_rows_select_their_key_by_fingerprint() {
    let file = load_vectors("encryption.json");
    let keyring = &file["keyring"];
    let tenant_id = str_field(keyring, "tenant_id");
    let entries = rows(keyring, "entries");
    let master = |id: &str| {
        let entry = entries.iter().find(|entry| entry["id"] == id).unwrap();
        hex_field(entry, "master_key_hex")
    };
    // k2 current, k1 previous: both entries decrypt through their fingerprint.
    let keys = TenantKeys::derive(&master("k2"), tenant_id, &[&master("k1")]).unwrap();
    let fingerprints: Vec<String> = keys
        .fingerprints()
        .iter()
        .map(|f| to_lower_hex(f))
        .collect();
    let expected: Vec<&str> = ["k2", "k1"]
        .iter()
        .map(|id| {
            let entry = entries.iter().find(|entry| entry["id"] == *id).unwrap();
            str_field(entry, "derived_key_fingerprint_hex")
        })
        .collect();
    assert_eq!(fingerprints, expected);
    for row in rows(keyring, "vectors") {
        let name = str_field(row, "name");
        let aad = aad_of(row, tenant_id);
        assert_eq!(aad, hex_field(row, "aad_hex"));
        let ciphertext = hex_field(row, "ciphertext_hex");
        let plaintext = keys
            .decrypt_with(
                &hex_field(row, "key_fingerprint_hex"),
                &ciphertext,
                &aad,
                Algorithm::Aes256Gcm,
            )
            .unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!(plaintext, hex_field(row, "plaintext_hex"), "{name}");
    }
    // A fingerprint that names no key is refused outright, never trial-decrypted.
    assert!(matches!(
        keys.decrypt_with(&[0u8; 16], &[0u8; 40], b"", Algorithm::Aes256Gcm),
        Err(CryptoError::UnknownKeyFingerprint { .. })
    ));
}

#[test]
fn keyring_configuration_rows_give_their_verdict() {
    let file = load_vectors("encryption.json");
    let configurations = rows(&file["keyring"]["configuration"], "vectors");
    assert_eq!(configurations.len(), 4);
    for row in configurations {
        let name = str_field(row, "name");
        let current = parse_master_key_hex(str_field(row, "current_master_key_hex")).unwrap();
        let previous: Vec<_> = rows(row, "decrypt_only_master_keys_hex")
            .iter()
            .map(|hex| parse_master_key_hex(hex.as_str().unwrap()).unwrap())
            .collect();
        let previous: Vec<&[u8]> = previous.iter().map(|key| key.as_slice()).collect();
        let result = TenantKeys::derive(current.as_slice(), "keyring-conformance", &previous);
        match str_field(row, "verdict") {
            "accept" => assert!(result.is_ok(), "{name}"),
            "reject" => assert!(
                matches!(
                    result,
                    Err(CryptoError::TooManyPreviousKeys { .. })
                        | Err(CryptoError::DuplicateMasterKey { .. })
                ),
                "{name}"
            ),
            other => panic!("{name}: verdict {other}"),
        }
    }
}

#[test]
fn master_key_input_rows_give_their_verdict() {
    let file = load_vectors("encryption.json");
    let section = &file["master_key_input"];
    let tenant_id = str_field(section, "tenant_id");
    for row in rows(section, "accept_vectors") {
        let name = str_field(row, "name");
        let master = parse_master_key_hex(str_field(row, "master_key_hex")).unwrap();
        let keys = TenantKeys::derive(master.as_slice(), tenant_id, &[]).unwrap();
        assert_eq!(
            to_lower_hex(&keys.fingerprint()),
            str_field(row, "derived_key_fingerprint_hex"),
            "{name}"
        );
        assert_row_opens(&keys, row, tenant_id, name);
    }
    for row in rows(section, "reject_vectors") {
        let name = str_field(row, "name");
        let hex = str_field(row, "master_key_hex");
        assert!(
            matches!(
                parse_master_key_hex(hex),
                Err(CryptoError::InvalidMasterKeyHex { .. })
            ),
            "{name}"
        );
    }
    for row in rows(section, "raw_reject_vectors") {
        let name = str_field(row, "name");
        let raw = hex_field(row, "raw_key_hex");
        let expected_refusal = |result: Result<(), CryptoError>| {
            assert!(
                matches!(result, Err(CryptoError::InvalidKeyLength { .. })),
                "{name}: {result:?}"
            )
        };
        expected_refusal(TenantKeys::derive(&raw, tenant_id, &[]).map(|_| ()));
        expected_refusal(derive_domain_key(&raw, "encryption", b"default").map(|_| ()));
    }
}

#[test]
fn interop_mode_crypto_rows_match() {
    let file = load_vectors("interop-mode.json");
    for row in rows(&file, "aad_vectors") {
        let aad = create_aad(&AadFields {
            tenant_id: str_field(row, "tenant_id"),
            cache_key: str_field(row, "cache_key"),
            format: "msgpack",
            compressed: false,
            original_type: None,
        })
        .unwrap();
        assert_eq!(aad, hex_field(row, "aad_hex"));
    }
    for row in rows(&file, "encryption_vectors") {
        let key = encryption_key(
            str_field(row, "master_key_hex"),
            str_field(row, "tenant_id"),
        );
        assert_eq!(
            to_lower_hex(&key_fingerprint(&key)),
            str_field(row, "derived_key_fingerprint_hex")
        );
        let aad = hex_field(row, "aad_hex");
        let ciphertext = hex_field(row, "ciphertext_hex");
        let plaintext = hex_field(row, "plaintext_hex");
        assert_eq!(decrypt_aes_gcm(&ciphertext, &key, &aad).unwrap(), plaintext);
        let nonce: [u8; 12] = hex_field(row, "nonce_hex").try_into().unwrap();
        assert_eq!(
            seal(&aes_gcm_for(&key).unwrap(), &nonce, &plaintext, &aad).unwrap(),
            ciphertext
        );
    }
}
