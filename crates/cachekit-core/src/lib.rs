//! Byte-level core of cachekit for Node.js.
#![forbid(unsafe_code)]

pub mod hash;
