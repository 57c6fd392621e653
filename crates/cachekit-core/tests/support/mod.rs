//! Shared test helpers: the official vectors (sha256-checked against test-vectors/SHA256SUMS)
//! and hex/segment decoding.
#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;
use sha2::{Digest, Sha256};

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors")
}

/// Parsed JSON of a vector file, after checking its sha256 against the pin.
pub fn load_vectors(name: &str) -> Value {
    let dir = vectors_dir();
    let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).expect("read SHA256SUMS");
    let pinned = sums
        .lines()
        .filter_map(|line| line.split_once(char::is_whitespace))
        .find(|(_, file)| file.trim() == name)
        .map(|(hash, _)| hash.to_owned())
        .unwrap_or_else(|| panic!("no sha256 pin for {name}"));
    let bytes = std::fs::read(dir.join(name)).expect("read vector file");
    let actual = hex::encode(Sha256::digest(&bytes));
    assert_eq!(actual, pinned, "{name}: sha256 does not match the pin");
    serde_json::from_slice(&bytes).expect("vector file is JSON")
}

/// Bytes of a hex string field.
pub fn hex_field(row: &Value, field: &str) -> Vec<u8> {
    let text = row[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} missing in {}", row["name"]));
    hex::decode(text).unwrap_or_else(|_| panic!("{field} is not hex"))
}

/// String field of a row.
pub fn str_field<'a>(row: &'a Value, field: &str) -> &'a str {
    row[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} missing in {}", row["name"]))
}

/// Rows of an array field.
pub fn rows<'a>(value: &'a Value, field: &str) -> &'a Vec<Value> {
    value[field]
        .as_array()
        .unwrap_or_else(|| panic!("{field} is not an array"))
}

/// Concatenation of `{hex, count}` segments (constructed vectors).
pub fn construct(segments: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    for segment in segments.as_array().expect("segments") {
        let piece = hex::decode(segment["hex"].as_str().expect("hex")).expect("hex");
        for _ in 0..segment["count"].as_u64().expect("count") {
            out.extend_from_slice(&piece);
        }
    }
    out
}
