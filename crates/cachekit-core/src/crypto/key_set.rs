//! A tenant's derived keys of one kind (encryption or MAC): the current master key's, which
//! seals, and those of up to three previous master keys, which only open. Entries name the key
//! that sealed them by fingerprint, and a reader selects that key directly, never by trial.

use super::error::CryptoError;
use super::kdf::{derive_domain_key, key_fingerprint, DerivedKey};
use super::master_key::check_keyring;
use crate::hash::to_lower_hex;

/// Length of a key fingerprint.
pub const FINGERPRINT_LEN: usize = 16;

/// One derived key of a set, made ready for use, and the fingerprint of its bytes.
pub(crate) struct Keyed<K> {
    pub(crate) key: K,
    pub(crate) fingerprint: [u8; FINGERPRINT_LEN],
}

/// The current key and the previous keys of one tenant.
pub(crate) struct TenantKeySet<K> {
    tenant_id: String,
    current: Keyed<K>,
    previous: Vec<Keyed<K>>,
}

impl<K> TenantKeySet<K> {
    /// Checks the keyring (32 bytes each, none all zero, at most three previous, all distinct),
    /// derives each master key's `domain` key for the tenant (HKDF, salt = the tenant id),
    /// fingerprints it and hands it to `ready` (a cipher keyed once, say).
    pub(crate) fn derive(
        master_key: &[u8],
        tenant_id: &str,
        previous_master_keys: &[&[u8]],
        domain: &str,
        ready: impl Fn(DerivedKey) -> Result<K, CryptoError>,
    ) -> Result<Self, CryptoError> {
        check_keyring(master_key, previous_master_keys)?;
        let derive = |master: &[u8]| -> Result<Keyed<K>, CryptoError> {
            let key = derive_domain_key(master, domain, tenant_id.as_bytes())?;
            let fingerprint = key_fingerprint(key.as_ref());
            Ok(Keyed {
                key: ready(key)?,
                fingerprint,
            })
        };
        Ok(Self {
            tenant_id: tenant_id.to_owned(),
            current: derive(master_key)?,
            previous: previous_master_keys
                .iter()
                .map(|key| derive(key))
                .collect::<Result<_, _>>()?,
        })
    }

    pub(crate) fn tenant_id(&self) -> &str {
        &self.tenant_id
    }

    /// The key that seals.
    pub(crate) fn current(&self) -> &Keyed<K> {
        &self.current
    }

    /// Fingerprints of every key: current first, then previous keys in the order given.
    pub(crate) fn fingerprints(&self) -> Vec<[u8; FINGERPRINT_LEN]> {
        self.all().map(|key| key.fingerprint).collect()
    }

    /// The key named by `fingerprint`; [`CryptoError::UnknownKeyFingerprint`] when none is.
    pub(crate) fn by_fingerprint(&self, fingerprint: &[u8]) -> Result<&Keyed<K>, CryptoError> {
        self.all()
            .find(|key| key.fingerprint.as_slice() == fingerprint)
            .ok_or_else(|| CryptoError::UnknownKeyFingerprint {
                fingerprint: to_lower_hex(fingerprint),
            })
    }

    /// Debug output of a key holder: tenant, current fingerprint and the number of previous
    /// keys — never key bytes. Holders get it through [`key_holder_debug!`].
    pub(crate) fn debug(&self, f: &mut std::fmt::Formatter<'_>, name: &str) -> std::fmt::Result {
        f.debug_struct(name)
            .field("tenant_id", &self.tenant_id)
            .field("fingerprint", &to_lower_hex(&self.current.fingerprint))
            .field("previous_keys", &self.previous.len())
            .finish_non_exhaustive()
    }

    fn all(&self) -> impl Iterator<Item = &Keyed<K>> {
        std::iter::once(&self.current).chain(&self.previous)
    }
}

/// `Debug` for a holder of a [`TenantKeySet`] in its field `keys`, named after the holder: the
/// one redacted form every key holder prints (see [`TenantKeySet::debug`]).
macro_rules! key_holder_debug {
    ($holder:ident) => {
        impl std::fmt::Debug for $holder {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.keys.debug(f, stringify!($holder))
            }
        }
    };
}
pub(crate) use key_holder_debug;
