//! HKDF-SHA256 domain keys with the cachekit salt layout, and key fingerprints.

use hkdf::Hkdf;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::error::CryptoError;
use crate::limits::{MASTER_KEY_LEN, MAX_DOMAIN_LEN, MAX_TENANT_SALT_LEN};

/// Fixed prefix of every HKDF salt.
const SALT_PREFIX: &[u8] = b"cachekit_v1_";

/// Prefix hashed before a key to fingerprint it.
const FINGERPRINT_PREFIX: &[u8] = b"key_fingerprint_v1";

/// A derived 32-byte key, wiped from memory when dropped.
pub type DerivedKey = Zeroizing<[u8; 32]>;

/// Checks that a raw master key is exactly 32 bytes, the only length every SDK accepts.
pub fn check_master_key(master_key: &[u8]) -> Result<(), CryptoError> {
    CryptoError::check_key_len("master key", MASTER_KEY_LEN, master_key)
}

/// HKDF-SHA256(IKM = master key, salt = `"cachekit_v1_" ‖ u8 len(domain) ‖ domain ‖
/// u16-BE len(tenant_salt) ‖ tenant_salt`, info = domain), 32 bytes.
pub fn derive_domain_key(
    master_key: &[u8],
    domain: &str,
    tenant_salt: &[u8],
) -> Result<DerivedKey, CryptoError> {
    check_master_key(master_key)?;
    let domain_len = u8::try_from(domain.len())
        .ok()
        .filter(|len| *len > 0)
        .ok_or(CryptoError::InvalidDomain {
            max: MAX_DOMAIN_LEN,
            actual: domain.len(),
        })?;
    let salt_len = u16::try_from(tenant_salt.len())
        .ok()
        .filter(|len| *len > 0 && usize::from(*len) <= MAX_TENANT_SALT_LEN)
        .ok_or(CryptoError::InvalidTenantSalt {
            max: MAX_TENANT_SALT_LEN,
            actual: tenant_salt.len(),
        })?;

    let mut salt = Vec::with_capacity(SALT_PREFIX.len() + 3 + domain.len() + tenant_salt.len());
    salt.extend_from_slice(SALT_PREFIX);
    salt.push(domain_len);
    salt.extend_from_slice(domain.as_bytes());
    salt.extend_from_slice(&salt_len.to_be_bytes());
    salt.extend_from_slice(tenant_salt);

    let mut key = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(Some(&salt), master_key)
        .expand(domain.as_bytes(), key.as_mut())
        // 32 bytes is far below HKDF-SHA256's 8160-byte output limit.
        .map_err(|_| CryptoError::InvalidKeyLength {
            what: "HKDF output",
            expected: 32,
            actual: 32,
        })?;
    Ok(key)
}

/// First 16 bytes of SHA-256(`"key_fingerprint_v1"` ‖ key): names a key without revealing it.
pub fn key_fingerprint(key: &[u8]) -> [u8; 16] {
    let digest = Sha256::new()
        .chain_update(FINGERPRINT_PREFIX)
        .chain_update(key)
        .finalize();
    let mut fingerprint = [0u8; 16];
    fingerprint.copy_from_slice(&digest[..16]);
    fingerprint
}

/// Strictly decodes a hex master key: exactly 64 hex digits (either case), nothing else — no
/// whitespace, sign, `0x` prefix or odd digit, each of which lenient decoders let through.
pub fn parse_master_key_hex(hex: &str) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
    let digits = hex.as_bytes();
    if digits.len() != MASTER_KEY_LEN * 2 {
        return Err(CryptoError::InvalidMasterKeyHex {
            reason: format!(
                "expected exactly {} hex digits, got {} characters",
                MASTER_KEY_LEN * 2,
                digits.len()
            ),
        });
    }
    let mut key = Zeroizing::new([0u8; 32]);
    for (index, pair) in digits.chunks_exact(2).enumerate() {
        let high = hex_value(pair[0], index * 2)?;
        let low = hex_value(pair[1], index * 2 + 1)?;
        key[index] = (high << 4) | low;
    }
    Ok(key)
}

fn hex_value(digit: u8, position: usize) -> Result<u8, CryptoError> {
    match digit {
        b'0'..=b'9' => Ok(digit - b'0'),
        b'a'..=b'f' => Ok(digit - b'a' + 10),
        b'A'..=b'F' => Ok(digit - b'A' + 10),
        _ => Err(CryptoError::InvalidMasterKeyHex {
            reason: format!("character {position} is not a hex digit"),
        }),
    }
}
