//! The two-step store the binding uses: compress first, write into a caller-sized buffer.

use cachekit_core::envelope::{ByteStorage, EnvelopeError, PendingEnvelope};
use cachekit_core::output::OutputLengthError;

#[test]
fn a_pending_envelope_writes_exactly_what_store_returns() {
    let storage = ByteStorage::new(Some("arrow"));
    for size in [0usize, 1, 63, 64, 1000, 70_000] {
        let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        let pending = storage.store_pending(&data, None).unwrap();
        let mut out = vec![0u8; pending.len()];
        pending.write_into(&mut out).unwrap();
        assert_eq!(out, storage.store(&data, None).unwrap(), "size {size}");
        assert_eq!(storage.retrieve(&out).unwrap().format, "arrow");
    }
}

#[test]
fn a_pending_envelope_refuses_an_output_of_the_wrong_length() {
    let pending = PendingEnvelope::compress(b"payload", "msgpack".into()).unwrap();
    let mut short = vec![0u8; pending.len() - 1];
    assert_eq!(
        pending.write_into(&mut short),
        Err(EnvelopeError::OutputLength(OutputLengthError {
            expected: pending.len(),
            actual: pending.len() - 1
        }))
    );
}

#[test]
fn two_pending_envelopes_on_one_thread_do_not_share_their_block() {
    // The first holds the thread's scratch; the second must get a buffer of its own.
    let first = PendingEnvelope::compress(&[1u8; 500], "msgpack".into()).unwrap();
    let second = PendingEnvelope::compress(&[2u8; 900], "msgpack".into()).unwrap();
    let storage = ByteStorage::default();
    let mut out = vec![0u8; first.len()];
    first.write_into(&mut out).unwrap();
    assert_eq!(storage.retrieve(&out).unwrap().data, vec![1u8; 500]);
    let mut out = vec![0u8; second.len()];
    second.write_into(&mut out).unwrap();
    assert_eq!(storage.retrieve(&out).unwrap().data, vec![2u8; 900]);
}
