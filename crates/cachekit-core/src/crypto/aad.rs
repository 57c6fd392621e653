//! AAD v0x03: `0x03`, then for each component a u32-BE length and its UTF-8 bytes — tenant id,
//! cache key, format, `"True"`/`"False"`, and the original type only when one is given.

use super::error::CryptoError;

/// The AAD layout version byte.
pub const AAD_VERSION: u8 = 0x03;

/// What a ciphertext is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AadFields<'a> {
    /// Tenant the value belongs to (`"default"` in single-tenant mode).
    pub tenant_id: &'a str,
    /// The logical cache key (never a backend-prefixed physical key).
    pub cache_key: &'a str,
    /// Serializer format token: `msgpack`, `orjson`, `arrow`, ...
    pub format: &'a str,
    /// Whether the plaintext is a compressed envelope.
    pub compressed: bool,
    /// Fifth component, written only when present and non-empty (cachekit-py's auto mode).
    pub original_type: Option<&'a str>,
}

/// Builds the AAD bytes. The tenant id and cache key must be non-empty: an empty one would
/// bind a ciphertext to nothing.
pub fn create_aad(fields: &AadFields<'_>) -> Result<Vec<u8>, CryptoError> {
    if fields.tenant_id.is_empty() {
        return Err(CryptoError::InvalidAad {
            component: "tenantId",
            reason: "must not be empty",
        });
    }
    if fields.cache_key.is_empty() {
        return Err(CryptoError::InvalidAad {
            component: "cacheKey",
            reason: "must not be empty",
        });
    }
    let compressed = if fields.compressed { "True" } else { "False" };
    let original_type = fields.original_type.filter(|value| !value.is_empty());
    let components = [
        ("tenantId", Some(fields.tenant_id)),
        ("cacheKey", Some(fields.cache_key)),
        ("format", Some(fields.format)),
        ("compressed", Some(compressed)),
        ("originalType", original_type),
    ];
    let total: usize = components
        .iter()
        .filter_map(|(_, value)| value.map(|value| 4 + value.len()))
        .sum();
    let mut aad = Vec::with_capacity(1 + total);
    aad.push(AAD_VERSION);
    for (name, value) in components {
        let Some(value) = value else { continue };
        let len = u32::try_from(value.len()).map_err(|_| CryptoError::InvalidAad {
            component: name,
            reason: "longer than a u32 length prefix allows",
        })?;
        aad.extend_from_slice(&len.to_be_bytes());
        aad.extend_from_slice(value.as_bytes());
    }
    Ok(aad)
}
