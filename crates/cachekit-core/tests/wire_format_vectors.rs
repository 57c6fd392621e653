//! test-vectors/wire-format.json and decode-bounds.json against the envelope code.

mod support;

use cachekit_core::envelope::{from_parts, parse, ByteStorage, EnvelopeError};
use cachekit_core::hash::to_lower_hex;
use cachekit_core::limits::{
    MAX_COMPRESSED_SIZE, MAX_COMPRESSION_RATIO, MAX_MSGPACK_DEPTH, MAX_UNCOMPRESSED_SIZE,
};
use cachekit_core::msgpack_bounds::{check_document, BoundsError};
use serde_json::Value;
use support::{construct, hex_field, load_vectors, rows, str_field};

fn storage() -> ByteStorage {
    ByteStorage::default()
}

/// Decoded fields of `envelope` re-encoded as a canonical (bin) envelope.
fn reencode(envelope: &[u8]) -> Vec<u8> {
    let parsed = parse(envelope).expect("parses");
    from_parts(
        parsed.compressed(),
        parsed.checksum(),
        parsed.original_size() as u64,
        parsed.format(),
    )
    .expect("re-encodes")
    .to_vec()
}

#[test]
fn the_limits_block_matches_the_named_constants() {
    let file = load_vectors("wire-format.json");
    let limits = &file["limits"];
    assert_eq!(
        limits["max_uncompressed_size"],
        MAX_UNCOMPRESSED_SIZE as u64
    );
    assert_eq!(limits["max_compressed_size"], MAX_COMPRESSED_SIZE as u64);
    assert_eq!(limits["max_compression_ratio"], MAX_COMPRESSION_RATIO);
}

#[test]
fn every_vector_decodes_to_its_input_and_every_bin_vector_is_written_byte_for_byte() {
    let file = load_vectors("wire-format.json");
    let mut bin_rows = 0;
    for row in rows(&file, "vectors") {
        let name = str_field(row, "name");
        let envelope = hex_field(row, "envelope_hex");
        let input = hex_field(row, "input_hex");
        let retrieved = storage()
            .retrieve(&envelope)
            .unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!(retrieved.data, input, "{name}");
        assert_eq!(retrieved.format, str_field(row, "format"), "{name}");
        assert!(storage().validate(&envelope), "{name}");
        if row["envelope_encoding"] == "bin" {
            bin_rows += 1;
            assert_eq!(
                storage().store(&input, None).unwrap(),
                envelope,
                "{name}: store"
            );
            assert_eq!(reencode(&envelope), envelope, "{name}: fields re-encode");
        }
    }
    assert_eq!(bin_rows, 9);
}

#[test]
fn legacy_vectors_re_encode_as_their_bin_twins() {
    let file = load_vectors("wire-format.json");
    let vectors = rows(&file, "vectors");
    let by_name = |name: &str| {
        vectors
            .iter()
            .find(|row| row["name"] == name)
            .unwrap_or_else(|| panic!("no row {name}"))
    };
    for twin in vectors
        .iter()
        .filter(|row| row["envelope_encoding"] == "bin")
    {
        let legacy = by_name(str_field(twin, "derived_from"));
        assert_eq!(
            reencode(&hex_field(legacy, "envelope_hex")),
            hex_field(twin, "envelope_hex"),
            "{}",
            str_field(twin, "name")
        );
    }
}

#[test]
fn constructed_vectors_decode_to_their_input_and_re_encode() {
    let file = load_vectors("wire-format.json");
    for row in rows(&file, "constructed_vectors") {
        let name = str_field(row, "name");
        let envelope = construct(&row["envelope_construction"]);
        let input = construct(&row["input_construction"]);
        assert_eq!(
            envelope.len() as u64,
            row["envelope_size"].as_u64().unwrap(),
            "{name}"
        );
        assert_eq!(
            input.len() as u64,
            row["original_size"].as_u64().unwrap(),
            "{name}"
        );
        let parsed = parse(&envelope).unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!(
            parsed.compressed().len() as u64,
            row["compressed_size"].as_u64().unwrap()
        );
        assert_eq!(
            to_lower_hex(&parsed.checksum()),
            str_field(row, "checksum_hex")
        );
        let retrieved = storage()
            .retrieve(&envelope)
            .unwrap_or_else(|err| panic!("{name}: {err}"));
        assert!(retrieved.data == input, "{name}: decoded bytes differ");
        if row["envelope_encoding"] == "bin" {
            assert!(reencode(&envelope) == envelope, "{name}: fields re-encode");
        }
    }
}

/// The error a reject row's `reject_step` (and `reject_check`) names.
fn assert_rejected_at_its_step(row: &Value, err: &EnvelopeError) {
    let name = str_field(row, "name");
    let step = row["reject_step"].as_u64().unwrap();
    match (step, row["reject_check"].as_str()) {
        (2, Some("typed_decode")) => {
            assert!(
                matches!(err, EnvelopeError::Malformed { .. }),
                "{name}: {err:?}"
            )
        }
        (2, Some("decode_bounds")) => assert!(
            matches!(
                err,
                EnvelopeError::DecodeBounds(BoundsError::Overclaim { .. })
            ),
            "{name}: {err:?}"
        ),
        (4, _) => assert!(
            matches!(
                err,
                EnvelopeError::InputTooLarge {
                    what: "original_size",
                    ..
                }
            ),
            "{name}: {err:?}"
        ),
        (5, _) if row["compressed_size"] == 0 => {
            assert_eq!(err, &EnvelopeError::EmptyCompressedData, "{name}")
        }
        (5, _) => assert!(
            matches!(err, EnvelopeError::DecompressionBomb { .. }),
            "{name}: {err:?}"
        ),
        (6, _) => assert!(
            matches!(err, EnvelopeError::SizeMismatch { .. }),
            "{name}: {err:?}"
        ),
        (8, _) => assert!(
            matches!(err, EnvelopeError::ChecksumMismatch { .. }),
            "{name}: {err:?}"
        ),
        other => panic!("{name}: no expectation for step {other:?}"),
    }
}

#[test]
fn every_reject_vector_fails_at_its_stated_step() {
    let file = load_vectors("wire-format.json");
    let rejects = rows(&file, "reject_vectors");
    assert_eq!(rejects.len(), 14);
    for row in rejects {
        let envelope = hex_field(row, "envelope_hex");
        let err = storage()
            .retrieve(&envelope)
            .expect_err(str_field(row, "name"));
        assert_rejected_at_its_step(row, &err);
        assert!(!storage().validate(&envelope));
    }
}

#[test]
fn payload_reject_vectors_unwrap_but_their_payload_fails_the_bounds_pre_scan() {
    let file = load_vectors("wire-format.json");
    for row in rows(&file, "payload_reject_vectors") {
        let name = str_field(row, "name");
        let payload = storage()
            .retrieve(&hex_field(row, "envelope_hex"))
            .unwrap()
            .data;
        assert_eq!(payload, hex_field(row, "input_hex"), "{name}");
        assert!(
            matches!(
                check_document(&payload, MAX_MSGPACK_DEPTH),
                Err(BoundsError::Overclaim { .. })
            ),
            "{name}"
        );
    }
}

#[test]
fn temporal_sentinel_payloads_round_trip_byte_for_byte() {
    let file = load_vectors("wire-format.json");
    for row in rows(&file, "temporal_sentinel_vectors") {
        let payload = hex_field(row, "payload_hex");
        let envelope = storage().store(&payload, None).unwrap();
        assert_eq!(storage().retrieve(&envelope).unwrap().data, payload);
        assert_eq!(
            check_document(&payload, MAX_MSGPACK_DEPTH),
            Ok(payload.len())
        );
    }
}

#[test]
fn decode_bounds_rejects_each_reject_vector_for_its_tagged_reason_and_accepts_the_rest() {
    let file = load_vectors("decode-bounds.json");
    for row in rows(&file, "reject_vectors") {
        let name = str_field(row, "name");
        let input = hex_field(row, "input_hex");
        let reasons: Vec<&str> = rows(row, "reject_reasons")
            .iter()
            .map(|reason| reason.as_str().unwrap())
            .collect();
        let err = check_document(&input, MAX_MSGPACK_DEPTH).expect_err(name);
        let reason = match err {
            BoundsError::TooDeep { .. } => "depth",
            BoundsError::Overclaim { .. } => "overclaim",
            BoundsError::Incomplete { .. } => "incomplete",
            BoundsError::ReservedMarker { .. } => "reserved",
        };
        assert!(
            reasons.contains(&reason),
            "{name}: {err:?} not in {reasons:?}"
        );
    }
    for row in rows(&file, "accept_vectors") {
        let input = hex_field(row, "input_hex");
        assert_eq!(check_document(&input, MAX_MSGPACK_DEPTH), Ok(input.len()));
        assert_eq!(
            check_document(&input, 32),
            Ok(input.len()),
            "depth 32 must pass"
        );
    }
}

#[test]
fn store_refuses_input_over_the_cap_without_compressing_it() {
    let too_big = vec![0u8; MAX_UNCOMPRESSED_SIZE + 1];
    assert!(matches!(
        storage().store(&too_big, None),
        Err(EnvelopeError::InputTooLarge { what: "input", .. })
    ));
}

#[test]
fn exactly_one_thousand_to_one_is_accepted_and_one_byte_more_is_a_bomb() {
    // 1000 zero bytes compress to a short block; craft envelopes around a real block.
    let payload = vec![0u8; 1000];
    let envelope = storage().store(&payload, None).unwrap();
    let parsed = parse(&envelope).unwrap();
    let compressed = parsed.compressed().to_vec();
    let at_limit = (compressed.len() as u64) * MAX_COMPRESSION_RATIO;
    let fields = |size: u64| {
        from_parts(&compressed, parsed.checksum(), size, "msgpack")
            .unwrap()
            .to_vec()
    };
    // At the limit the ratio rule passes, so the block is decoded (and fails on length).
    assert!(matches!(
        storage().retrieve(&fields(at_limit)),
        Err(EnvelopeError::SizeMismatch { .. }) | Err(EnvelopeError::DecompressionFailed { .. })
    ));
    assert!(matches!(
        storage().retrieve(&fields(at_limit + 1)),
        Err(EnvelopeError::DecompressionBomb { .. })
    ));
}

#[test]
fn the_default_format_is_msgpack_and_a_custom_one_round_trips() {
    let custom = ByteStorage::new(Some("arrow"));
    let envelope = custom.store(b"abc", None).unwrap();
    assert_eq!(custom.retrieve(&envelope).unwrap().format, "arrow");
    let envelope = storage().store(b"abc", Some("orjson")).unwrap();
    assert_eq!(storage().retrieve(&envelope).unwrap().format, "orjson");
    assert_eq!(storage().default_format(), "msgpack");
}

#[test]
fn trailing_bytes_after_the_envelope_are_refused() {
    let mut envelope = storage().store(b"hello", None).unwrap();
    envelope.push(0xc0);
    assert!(matches!(
        storage().retrieve(&envelope),
        Err(EnvelopeError::Malformed {
            reason: "bytes follow the envelope",
            ..
        })
    ));
}

#[test]
fn estimate_compression_reports_input_over_block_length() {
    let ratio = storage().estimate_compression(&[b'A'; 1024]).unwrap();
    assert!(ratio > 50.0, "{ratio}");
    assert_eq!(storage().estimate_compression(&[]).unwrap(), 0.0);
}
