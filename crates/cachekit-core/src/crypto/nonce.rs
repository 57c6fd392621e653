//! Counter nonces: `instance_id (u64 BE) ‖ counter (u32 BE)`. The instance id comes from a
//! process-wide counter seeded with 8 random bytes and is taken once per encryptor, so two
//! encryptors in one process never share an id and two processes almost surely never do;
//! within an encryptor the counter only grows, and exhaustion is an error, never a wrap.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use super::error::CryptoError;

/// Nonce length of both AEADs.
pub const NONCE_LEN: usize = 12;

/// Encryptions one sequence allows: counters `0..u32::MAX`.
const COUNTER_LIMIT: u64 = u32::MAX as u64;

/// Source of instance ids; `None` when the system random source failed at first use.
static NEXT_INSTANCE: OnceLock<Option<AtomicU64>> = OnceLock::new();

fn next_instance_id() -> Result<u64, CryptoError> {
    let seeded = NEXT_INSTANCE.get_or_init(|| {
        let mut seed = [0u8; 8];
        getrandom::getrandom(&mut seed)
            .ok()
            .map(|()| AtomicU64::new(u64::from_be_bytes(seed)))
    });
    match seeded {
        Some(next) => Ok(next.fetch_add(1, Ordering::Relaxed)),
        None => Err(CryptoError::RandomUnavailable {
            reason: "getrandom failed while seeding the nonce instance id".into(),
        }),
    }
}

/// The nonces of one encryptor. Shared across threads by reference; each call to
/// [`NonceSequence::next`] yields a nonce no other call (on any thread) gets.
#[derive(Debug)]
pub struct NonceSequence {
    instance_id: u64,
    counter: AtomicU64,
}

impl NonceSequence {
    /// A sequence with a fresh instance id, counting from 0.
    pub fn new() -> Result<Self, CryptoError> {
        Ok(Self::starting_at(next_instance_id()?, 0))
    }

    /// A sequence with a given id and first counter value (tests of exhaustion use this).
    pub fn starting_at(instance_id: u64, counter: u32) -> Self {
        Self {
            instance_id,
            counter: AtomicU64::new(u64::from(counter)),
        }
    }

    /// This sequence's instance id (the first 8 nonce bytes).
    pub fn instance_id(&self) -> u64 {
        self.instance_id
    }

    /// The next unused nonce, or [`CryptoError::NonceExhausted`] once `u32::MAX` is reached.
    pub fn next(&self) -> Result<[u8; NONCE_LEN], CryptoError> {
        // A u64 counter cannot wrap in practice (2^64 calls), so every caller past the limit
        // sees an error rather than a reused value.
        let counter = self.counter.fetch_add(1, Ordering::Relaxed);
        if counter >= COUNTER_LIMIT {
            return Err(CryptoError::NonceExhausted {
                used: COUNTER_LIMIT,
            });
        }
        let mut nonce = [0u8; NONCE_LEN];
        nonce[..8].copy_from_slice(&self.instance_id.to_be_bytes());
        nonce[8..].copy_from_slice(&(counter as u32).to_be_bytes());
        Ok(nonce)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_counter_is_u32_max_minus_one_and_then_the_sequence_refuses() {
        let sequence = NonceSequence::starting_at(7, u32::MAX - 2);
        assert_eq!(sequence.next().unwrap()[8..], (u32::MAX - 2).to_be_bytes());
        assert_eq!(sequence.next().unwrap()[8..], (u32::MAX - 1).to_be_bytes());
        for _ in 0..3 {
            assert_eq!(
                sequence.next(),
                Err(CryptoError::NonceExhausted {
                    used: COUNTER_LIMIT
                })
            );
        }
    }

    #[test]
    fn each_sequence_takes_a_distinct_instance_id() {
        let first = NonceSequence::new().unwrap();
        let second = NonceSequence::new().unwrap();
        assert_ne!(first.instance_id(), second.instance_id());
        assert_eq!(
            first.next().unwrap()[..8],
            first.instance_id().to_be_bytes()
        );
    }
}
