//! Master keys as configuration gives them (64 hex digits or 32 raw bytes) and the keyring of a
//! cache: the current key plus up to three replaced keys that still read. Key bytes are copied
//! once into zeroised storage here and never handed back; tenants' keys are derived from them
//! on demand, so the embedding program never needs to keep a copy.

use zeroize::Zeroizing;

use super::error::CryptoError;
use super::kdf::{check_master_key, parse_master_key_hex};
use super::mac::TenantMacKeys;
use super::tenant::TenantKeys;
use crate::limits::{MASTER_KEY_LEN, MAX_PREVIOUS_MASTER_KEYS};

/// Constant-time equality of two keys (they are secrets).
pub(crate) fn same_key(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Refuses a master key that is not exactly 32 bytes or is all zero bytes. An all-zero key is
/// what an uninitialised buffer or a forgotten placeholder holds; anyone can guess it, so it
/// protects nothing. (Keys of one repeated non-zero byte stay accepted: the cross-SDK protocol
/// vectors load such keys and every SDK must accept them.)
pub fn check_usable_master_key(key: &[u8]) -> Result<(), CryptoError> {
    check_master_key(key)?;
    if key.iter().fold(0u8, |acc, byte| acc | byte) == 0 {
        return Err(CryptoError::AllZeroMasterKey);
    }
    Ok(())
}

/// Checks a whole keyring: every key usable, at most three previous keys, all distinct.
pub(crate) fn check_keyring(current: &[u8], previous: &[&[u8]]) -> Result<(), CryptoError> {
    check_usable_master_key(current)?;
    if previous.len() > MAX_PREVIOUS_MASTER_KEYS {
        return Err(CryptoError::TooManyPreviousKeys {
            max: MAX_PREVIOUS_MASTER_KEYS,
            actual: previous.len(),
        });
    }
    for (index, key) in previous.iter().enumerate() {
        check_usable_master_key(key).map_err(|error| match error {
            CryptoError::InvalidKeyLength { actual, .. } => CryptoError::InvalidKeyLength {
                what: "previous master key",
                expected: MASTER_KEY_LEN,
                actual,
            },
            other => other,
        })?;
        if same_key(key, current) {
            return Err(CryptoError::DuplicateMasterKey {
                index,
                repeats: "the current master key",
            });
        }
        if previous[..index]
            .iter()
            .any(|earlier| same_key(earlier, key))
        {
            return Err(CryptoError::DuplicateMasterKey {
                index,
                repeats: "an earlier previous master key",
            });
        }
    }
    Ok(())
}

/// One 32-byte master key, wiped from memory when dropped. Never all zero.
pub struct MasterKey(Zeroizing<[u8; MASTER_KEY_LEN]>);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(<redacted>)")
    }
}

impl MasterKey {
    /// A copy of exactly 32 raw bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        check_usable_master_key(bytes)?;
        let mut key = Zeroizing::new([0u8; MASTER_KEY_LEN]);
        key.copy_from_slice(bytes);
        Ok(Self(key))
    }

    /// Exactly 64 hex digits (either case), decoded strictly.
    pub fn from_hex(hex: &str) -> Result<Self, CryptoError> {
        let key = parse_master_key_hex(hex)?;
        check_usable_master_key(key.as_ref())?;
        Ok(Self(key))
    }

    fn bytes(&self) -> &[u8] {
        self.0.as_ref()
    }
}

/// A cache's master keys: the current one, which seals, and up to three previous ones, which
/// only read. Every key is distinct. Derives each tenant's encryption and MAC keys.
pub struct MasterKeyring {
    current: MasterKey,
    previous: Vec<MasterKey>,
}

impl std::fmt::Debug for MasterKeyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MasterKeyring")
            .field("previous_keys", &self.previous.len())
            .finish_non_exhaustive()
    }
}

impl MasterKeyring {
    /// A keyring of `current` alone.
    pub fn new(current: MasterKey) -> Self {
        Self {
            current,
            previous: Vec::new(),
        }
    }

    /// Adds a replaced key that still reads. Refused beyond three, or when it repeats the
    /// current key or an earlier previous key.
    pub fn add_previous(&mut self, key: MasterKey) -> Result<(), CryptoError> {
        let index = self.previous.len();
        if index >= MAX_PREVIOUS_MASTER_KEYS {
            return Err(CryptoError::TooManyPreviousKeys {
                max: MAX_PREVIOUS_MASTER_KEYS,
                actual: index + 1,
            });
        }
        if same_key(key.bytes(), self.current.bytes()) {
            return Err(CryptoError::DuplicateMasterKey {
                index,
                repeats: "the current master key",
            });
        }
        if self
            .previous
            .iter()
            .any(|earlier| same_key(earlier.bytes(), key.bytes()))
        {
            return Err(CryptoError::DuplicateMasterKey {
                index,
                repeats: "an earlier previous master key",
            });
        }
        self.previous.push(key);
        Ok(())
    }

    /// How many previous keys the keyring holds.
    pub fn previous_count(&self) -> usize {
        self.previous.len()
    }

    fn previous_bytes(&self) -> Vec<&[u8]> {
        self.previous.iter().map(MasterKey::bytes).collect()
    }

    /// The encryption keys of `tenant_id` (1–1024 UTF-8 bytes).
    pub fn tenant_keys(&self, tenant_id: &str) -> Result<TenantKeys, CryptoError> {
        TenantKeys::derive(self.current.bytes(), tenant_id, &self.previous_bytes())
    }

    /// The keyed-integrity (MAC) keys of `tenant_id` (1–1024 UTF-8 bytes).
    pub fn tenant_mac_keys(&self, tenant_id: &str) -> Result<TenantMacKeys, CryptoError> {
        TenantMacKeys::derive(self.current.bytes(), tenant_id, &self.previous_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX_A: &str = "007f80ffa55ac33c1ee12dd24bb469968778f00f01102332455467768998abba";

    #[test]
    fn an_all_zero_key_is_refused_as_bytes_and_as_hex() {
        assert_eq!(
            MasterKey::from_bytes(&[0u8; 32]).unwrap_err(),
            CryptoError::AllZeroMasterKey
        );
        assert_eq!(
            MasterKey::from_hex(&"0".repeat(64)).unwrap_err(),
            CryptoError::AllZeroMasterKey
        );
        assert_eq!(
            TenantKeys::derive(&[0u8; 32], "t", &[]).unwrap_err(),
            CryptoError::AllZeroMasterKey
        );
        assert_eq!(
            TenantKeys::derive(&[1u8; 32], "t", &[&[0u8; 32]]).unwrap_err(),
            CryptoError::AllZeroMasterKey
        );
    }

    #[test]
    fn a_key_with_a_single_non_zero_byte_and_a_repeated_byte_key_are_accepted() {
        let mut one = [0u8; 32];
        one[31] = 1;
        assert!(MasterKey::from_bytes(&one).is_ok());
        assert!(MasterKey::from_hex(&"61".repeat(32)).is_ok());
    }

    #[test]
    fn the_keyring_refuses_repeats_and_a_fourth_previous_key() {
        let mut ring = MasterKeyring::new(MasterKey::from_hex(HEX_A).unwrap());
        assert_eq!(
            ring.add_previous(MasterKey::from_hex(&HEX_A.to_uppercase()).unwrap()),
            Err(CryptoError::DuplicateMasterKey {
                index: 0,
                repeats: "the current master key"
            })
        );
        ring.add_previous(MasterKey::from_bytes(&[1; 32]).unwrap())
            .unwrap();
        assert_eq!(
            ring.add_previous(MasterKey::from_bytes(&[1; 32]).unwrap()),
            Err(CryptoError::DuplicateMasterKey {
                index: 1,
                repeats: "an earlier previous master key"
            })
        );
        ring.add_previous(MasterKey::from_bytes(&[2; 32]).unwrap())
            .unwrap();
        ring.add_previous(MasterKey::from_bytes(&[3; 32]).unwrap())
            .unwrap();
        assert_eq!(
            ring.add_previous(MasterKey::from_bytes(&[4; 32]).unwrap()),
            Err(CryptoError::TooManyPreviousKeys { max: 3, actual: 4 })
        );
        assert_eq!(ring.previous_count(), 3);
    }

    #[test]
    fn keyring_derivation_equals_direct_derivation() {
        let mut ring = MasterKeyring::new(MasterKey::from_hex(HEX_A).unwrap());
        ring.add_previous(MasterKey::from_bytes(&[0x11; 32]).unwrap())
            .unwrap();
        let direct =
            TenantKeys::derive(&hex::decode(HEX_A).unwrap(), "acme", &[&[0x11; 32]]).unwrap();
        assert_eq!(
            ring.tenant_keys("acme").unwrap().fingerprints(),
            direct.fingerprints()
        );
    }

    #[test]
    fn debug_output_shows_no_key_bytes() {
        let ring = MasterKeyring::new(MasterKey::from_bytes(&[0xab; 32]).unwrap());
        let shown = format!("{ring:?} {:?}", MasterKey::from_bytes(&[0xab; 32]).unwrap());
        assert!(!shown.contains("171") && !shown.to_lowercase().contains("abab"));
    }
}
