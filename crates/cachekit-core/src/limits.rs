//! Protocol limits, named once and used by code, tests and docs alike.

/// Largest payload `store` accepts and largest `original_size` `retrieve` believes: 512 MiB.
pub const MAX_UNCOMPRESSED_SIZE: usize = 512 * 1024 * 1024;

/// Largest compressed block and largest serialized envelope: 512 MiB.
pub const MAX_COMPRESSED_SIZE: usize = 512 * 1024 * 1024;

/// Largest accepted `original_size : compressed length` ratio. Exactly 1000:1 is allowed.
pub const MAX_COMPRESSION_RATIO: u64 = 1000;

/// Format string written when the caller names none.
pub const DEFAULT_FORMAT: &str = "msgpack";

/// Deepest MessagePack nesting the decode-bounds pre-scan admits. The protocol requires a
/// bound in `32..=1024`; the envelope itself nests two deep, so the bound only matters to
/// callers that pre-scan payloads, and those get the most permissive conforming value.
pub const MAX_MSGPACK_DEPTH: usize = 1024;

/// Every master key, raw or hex-decoded, is exactly this long: the only length all SDKs share.
pub const MASTER_KEY_LEN: usize = 32;

/// Most previous (decrypt-only) master keys a keyring may hold next to the current one.
pub const MAX_PREVIOUS_MASTER_KEYS: usize = 3;

/// Longest HKDF domain label, in bytes (it is length-prefixed with one byte).
pub const MAX_DOMAIN_LEN: usize = 255;

/// Longest tenant salt (the UTF-8 tenant id), in bytes.
pub const MAX_TENANT_SALT_LEN: usize = 1024;
