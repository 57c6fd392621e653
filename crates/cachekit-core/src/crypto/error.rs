//! Every way key handling, AAD building or AEAD can fail, one variant per failure.

use thiserror::Error;

use crate::output::OutputLengthError;

/// A failed key derivation, keyring load, AAD build, encryption or decryption.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CryptoError {
    /// A key (master or AEAD) is not exactly the required length.
    #[error("{what} must be exactly {expected} bytes, got {actual}")]
    InvalidKeyLength {
        what: &'static str,
        expected: usize,
        actual: usize,
    },
    /// A hex master key is not exactly 64 hex digits.
    #[error("master key hex is invalid: {reason}")]
    InvalidMasterKeyHex { reason: String },
    /// A master key of 32 zero bytes: an uninitialised buffer or a placeholder, not a secret.
    #[error("master key is all zero bytes, which anyone can guess; generate a random one")]
    AllZeroMasterKey,
    /// The HKDF domain label is empty or longer than 255 bytes.
    #[error("key domain must be 1 to {max} bytes, got {actual}")]
    InvalidDomain { max: usize, actual: usize },
    /// The tenant salt (tenant id) is empty or longer than 1024 bytes.
    #[error("tenant salt must be 1 to {max} bytes, got {actual}")]
    InvalidTenantSalt { max: usize, actual: usize },
    /// More previous master keys than a keyring may hold.
    #[error("at most {max} previous master keys are allowed, got {actual}")]
    TooManyPreviousKeys { max: usize, actual: usize },
    /// A previous master key repeats the current key or another previous key.
    #[error(
        "previous master key #{index} repeats {repeats}; every keyring entry must be distinct"
    )]
    DuplicateMasterKey { index: usize, repeats: &'static str },
    /// An algorithm name other than `aes-256-gcm` or `chacha20-poly1305`.
    #[error("unknown AEAD algorithm {name:?}; use \"aes-256-gcm\" or \"chacha20-poly1305\"")]
    UnknownAlgorithm { name: String },
    /// An AAD component is missing or too long for its u32 length prefix.
    #[error("AAD component {component} is invalid: {reason}")]
    InvalidAad {
        component: &'static str,
        reason: &'static str,
    },
    /// Plaintext over the 512 MiB cap.
    #[error("plaintext is {size} bytes, over the {limit}-byte limit")]
    InputTooLarge { size: usize, limit: usize },
    /// Input shorter than nonce + tag, so it cannot be a ciphertext.
    #[error("ciphertext is {actual} bytes; the minimum is {minimum} (nonce + tag)")]
    CiphertextTooShort { actual: usize, minimum: usize },
    /// The tag did not verify: wrong key, wrong AAD, wrong algorithm or altered bytes.
    #[error("ciphertext failed authentication (wrong key, AAD or algorithm, or altered bytes)")]
    AuthenticationFailed,
    /// This encryptor has used all 2^32 - 1 of its nonces; derive new keys.
    #[error("nonce counter exhausted after {used} encryptions; derive a new key handle")]
    NonceExhausted { used: u64 },
    /// No keyring entry has the requested fingerprint.
    #[error("no key in this keyring has fingerprint {fingerprint}")]
    UnknownKeyFingerprint { fingerprint: String },
    /// Bytes a keyed-integrity reader refuses before any key is tried: not a MAC frame.
    #[error(
        "entry has no keyed-integrity frame ({reason}); only entries this cache signed are read"
    )]
    NotKeyedEntry { reason: &'static str },
    /// A keyed-integrity tag did not verify: altered bytes, another cache key or tenant, or a
    /// forgery.
    #[error("entry failed its keyed integrity check (altered, moved to another key or tenant, or forged)")]
    MacMismatch,
    /// The operating system's random source failed when seeding nonces.
    #[error("the system random source failed: {reason}")]
    RandomUnavailable { reason: String },
    /// A caller-supplied output buffer has the wrong length.
    #[error(transparent)]
    OutputLength(#[from] OutputLengthError),
    /// The AEAD refused to encrypt (only for lengths beyond the algorithm's limit).
    #[error("encryption failed")]
    EncryptionFailed,
}

impl CryptoError {
    /// `Ok` when `bytes` is exactly `expected` long, else [`CryptoError::InvalidKeyLength`]
    /// naming `what`.
    pub(crate) fn check_key_len(
        what: &'static str,
        expected: usize,
        bytes: &[u8],
    ) -> Result<(), CryptoError> {
        if bytes.len() == expected {
            return Ok(());
        }
        Err(Self::InvalidKeyLength {
            what,
            expected,
            actual: bytes.len(),
        })
    }

    /// `Ok` when an input of `size` bytes is within `limit`, else
    /// [`CryptoError::InputTooLarge`]; checked before any output is sized from it.
    pub(crate) fn check_input_size(size: usize, limit: usize) -> Result<(), CryptoError> {
        if size > limit {
            return Err(Self::InputTooLarge { size, limit });
        }
        Ok(())
    }

    /// A new buffer of `len` bytes filled by `fill`: the allocating twin of every `*_into`.
    pub(crate) fn filled(
        len: usize,
        fill: impl FnOnce(&mut [u8]) -> Result<(), CryptoError>,
    ) -> Result<Vec<u8>, CryptoError> {
        let mut out = vec![0u8; len];
        fill(&mut out)?;
        Ok(out)
    }

    /// The stable code JavaScript sees as `err.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidKeyLength { .. } => "ERR_INVALID_KEY_LENGTH",
            Self::InvalidMasterKeyHex { .. } => "ERR_INVALID_MASTER_KEY_HEX",
            Self::AllZeroMasterKey => "ERR_WEAK_MASTER_KEY",
            Self::InvalidDomain { .. } => "ERR_INVALID_DOMAIN",
            Self::InvalidTenantSalt { .. } => "ERR_INVALID_TENANT_SALT",
            Self::TooManyPreviousKeys { .. } => "ERR_TOO_MANY_PREVIOUS_KEYS",
            Self::DuplicateMasterKey { .. } => "ERR_DUPLICATE_MASTER_KEY",
            Self::UnknownAlgorithm { .. } => "ERR_UNKNOWN_ALGORITHM",
            Self::InvalidAad { .. } => "ERR_INVALID_AAD",
            Self::InputTooLarge { .. } => "ERR_INPUT_TOO_LARGE",
            Self::CiphertextTooShort { .. } => "ERR_CIPHERTEXT_TOO_SHORT",
            Self::AuthenticationFailed => "ERR_AUTHENTICATION_FAILED",
            Self::NonceExhausted { .. } => "ERR_NONCE_EXHAUSTED",
            Self::UnknownKeyFingerprint { .. } => "ERR_UNKNOWN_KEY_FINGERPRINT",
            Self::NotKeyedEntry { .. } => "ERR_NOT_KEYED_ENTRY",
            Self::MacMismatch => "ERR_MAC_MISMATCH",
            Self::RandomUnavailable { .. } => "ERR_RANDOM_UNAVAILABLE",
            Self::OutputLength(_) => "ERR_INVALID_ARGUMENT",
            Self::EncryptionFailed => "ERR_ENCRYPTION_FAILED",
        }
    }
}
