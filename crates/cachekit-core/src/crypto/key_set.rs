//! A tenant's derived keys of one kind (encryption or MAC): the current master key's, which
//! seals, and those of up to three previous master keys, which only open. Entries name the key
//! that sealed them by fingerprint, and a reader selects that key directly, never by trial.

use super::error::CryptoError;
use super::master_key::check_keyring;
use crate::hash::to_lower_hex;

/// Length of a key fingerprint.
pub const FINGERPRINT_LEN: usize = 16;

/// A derived key that knows its fingerprint.
pub(crate) trait Fingerprinted {
    fn fingerprint(&self) -> &[u8; FINGERPRINT_LEN];
}

/// The current key and the previous keys of one tenant.
pub(crate) struct TenantKeySet<K> {
    tenant_id: String,
    current: K,
    previous: Vec<K>,
}

impl<K: Fingerprinted> TenantKeySet<K> {
    /// Checks the keyring (32 bytes each, none all zero, at most three previous, all distinct)
    /// and derives one key per master key with `derive(master_key, tenant_id)`.
    pub(crate) fn derive(
        master_key: &[u8],
        tenant_id: &str,
        previous_master_keys: &[&[u8]],
        derive: impl Fn(&[u8], &str) -> Result<K, CryptoError>,
    ) -> Result<Self, CryptoError> {
        check_keyring(master_key, previous_master_keys)?;
        Ok(Self {
            tenant_id: tenant_id.to_owned(),
            current: derive(master_key, tenant_id)?,
            previous: previous_master_keys
                .iter()
                .map(|key| derive(key, tenant_id))
                .collect::<Result<_, _>>()?,
        })
    }

    pub(crate) fn tenant_id(&self) -> &str {
        &self.tenant_id
    }

    /// The key that seals.
    pub(crate) fn current(&self) -> &K {
        &self.current
    }

    /// Fingerprints of every key: current first, then previous keys in the order given.
    pub(crate) fn fingerprints(&self) -> Vec<[u8; FINGERPRINT_LEN]> {
        self.all().map(|key| *key.fingerprint()).collect()
    }

    /// The key named by `fingerprint`; [`CryptoError::UnknownKeyFingerprint`] when none is.
    pub(crate) fn by_fingerprint(&self, fingerprint: &[u8]) -> Result<&K, CryptoError> {
        self.all()
            .find(|key| key.fingerprint().as_slice() == fingerprint)
            .ok_or_else(|| CryptoError::UnknownKeyFingerprint {
                fingerprint: to_lower_hex(fingerprint),
            })
    }

    /// Debug output of a key holder: tenant, current fingerprint and the number of previous
    /// keys — never key bytes.
    pub(crate) fn debug(&self, f: &mut std::fmt::Formatter<'_>, name: &str) -> std::fmt::Result {
        f.debug_struct(name)
            .field("tenant_id", &self.tenant_id)
            .field("fingerprint", &to_lower_hex(self.current.fingerprint()))
            .field("previous_keys", &self.previous.len())
            .finish_non_exhaustive()
    }

    fn all(&self) -> impl Iterator<Item = &K> {
        std::iter::once(&self.current).chain(&self.previous)
    }
}
