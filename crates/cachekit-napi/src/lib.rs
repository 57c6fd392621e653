//! N-API binding: Buffer in, Buffer out, no logic of its own.
#![deny(clippy::all)]

pub mod hash;
