//! A caller's own size limit on retrieve: the declared `original_size` is judged against it
//! before any output is allocated, so a small envelope cannot make a reader allocate a large
//! buffer its configuration would never have written.

use cachekit_core::envelope::{parse_within, ByteStorage, EnvelopeError};

fn envelope_of(size: usize) -> Vec<u8> {
    ByteStorage::default()
        .store(&vec![0u8; size], None)
        .unwrap()
}

#[test]
fn an_original_size_over_the_callers_limit_is_refused_by_the_parse() {
    // 256 KiB of zeros compress to about 1 KiB: the ratio rule lets it through.
    let envelope = envelope_of(256 * 1024);
    assert!(envelope.len() < 2048);
    assert_eq!(
        parse_within(&envelope, 1024 * 1024 / 8).map(|parsed| parsed.original_size()),
        Err(EnvelopeError::InputTooLarge {
            what: "original_size",
            size: 256 * 1024,
            limit: 128 * 1024,
        })
    );
    assert!(matches!(
        ByteStorage::default().retrieve_within(&envelope, 128 * 1024),
        Err(EnvelopeError::InputTooLarge {
            what: "original_size",
            ..
        })
    ));
}

#[test]
fn an_original_size_at_the_callers_limit_is_retrieved() {
    let envelope = envelope_of(4096);
    assert_eq!(parse_within(&envelope, 4096).unwrap().original_size(), 4096);
    assert_eq!(
        ByteStorage::default()
            .retrieve_within(&envelope, 4096)
            .unwrap()
            .data
            .len(),
        4096
    );
}

#[test]
fn a_limit_above_the_protocol_cap_does_not_raise_the_cap() {
    let envelope = envelope_of(100);
    assert!(parse_within(&envelope, usize::MAX).is_ok());
    assert_eq!(
        parse_within(&envelope, usize::MAX).map(|p| p.original_size()),
        cachekit_core::envelope::parse(&envelope).map(|p| p.original_size())
    );
}
