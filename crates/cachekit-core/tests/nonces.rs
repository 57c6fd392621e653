//! Nonces never repeat: across a million encryptions of one key handle, across threads
//! sharing it, and across handles.

use std::collections::HashSet;
use std::sync::Arc;

use cachekit_core::crypto::{Algorithm, TenantKeys};

fn nonce_of(ciphertext: &[u8]) -> [u8; 12] {
    ciphertext[..12].try_into().unwrap()
}

#[test]
fn a_million_encryptions_use_a_million_distinct_nonces() {
    let keys = TenantKeys::derive(&[1u8; 32], "nonce-tenant", &[]).unwrap();
    let mut seen = HashSet::with_capacity(1_000_000);
    let mut out = [0u8; 28];
    for _ in 0..1_000_000 {
        keys.encrypt_into(b"", b"", Algorithm::Aes256Gcm, &mut out)
            .unwrap();
        assert!(seen.insert(nonce_of(&out)), "nonce repeated");
    }
}

#[test]
fn threads_sharing_one_handle_and_separate_handles_never_share_a_nonce() {
    let shared = Arc::new(TenantKeys::derive(&[2u8; 32], "nonce-tenant", &[]).unwrap());
    let workers: Vec<_> = (0..4)
        .map(|worker| {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || {
                // Half the threads also use a handle of their own for the same key.
                let own = TenantKeys::derive(&[2u8; 32], "nonce-tenant", &[]).unwrap();
                let mut nonces = Vec::with_capacity(100_000);
                for _ in 0..50_000 {
                    let handle = if worker % 2 == 0 { &own } else { &*shared };
                    nonces.push(nonce_of(
                        &shared.encrypt(b"x", b"", Algorithm::Aes256Gcm).unwrap(),
                    ));
                    nonces.push(nonce_of(
                        &handle
                            .encrypt(b"y", b"", Algorithm::ChaCha20Poly1305)
                            .unwrap(),
                    ));
                }
                nonces
            })
        })
        .collect();
    let mut seen = HashSet::new();
    for worker in workers {
        for nonce in worker.join().unwrap() {
            assert!(
                seen.insert(nonce),
                "nonce repeated across threads or handles"
            );
        }
    }
    assert_eq!(seen.len(), 400_000);
}
