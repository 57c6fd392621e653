//! The rule every `*_into` call shares: the caller's output buffer is exactly the result's
//! length, checked before anything is written (or a nonce is spent).

use thiserror::Error;

/// A caller-supplied output buffer has the wrong length.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("output buffer is {actual} bytes but the result is {expected}")]
pub struct OutputLengthError {
    /// The result's length.
    pub expected: usize,
    /// The buffer's length.
    pub actual: usize,
}

/// `Ok` when `out` is exactly `expected` bytes long.
pub fn check_output_len(out: &[u8], expected: usize) -> Result<(), OutputLengthError> {
    if out.len() == expected {
        return Ok(());
    }
    Err(OutputLengthError {
        expected,
        actual: out.len(),
    })
}
