/**
 * Well-formed MessagePack that is not a value of the decoder's profile (a bad ext payload, a
 * sentinel without its text, invalid UTF-8). Thrown inside the decoder and its leaf readers;
 * `ValueDecoder.decode` turns it into a `SerializationError` (`ERR_DESERIALIZATION`).
 */
export class Undecodable extends Error {}
