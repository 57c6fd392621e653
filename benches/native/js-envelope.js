'use strict';
/**
 * The fastest pure-JS/JS-addon envelope we could assemble, as the baseline for the native
 * one: node-lz4 block codec, xxhash-addon XXH3, msgpackr for the positional array. It writes
 * the same layout (bin data, checksum as 8 uints, size, format).
 */
const lz4 = require('lz4');
const { XXHash3 } = require('xxhash-addon');
const { Packr, Unpackr } = require('msgpackr');

const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false });
// The static one-shot hash (constructing an XXHash3 instance crashes xxhash-addon 2.1 here).
const hasher = XXHash3;

/** Envelope bytes of `data`; `scratch` is a reused compression buffer of encodeBound size. */
function jsStore(data, scratch) {
  let size = lz4.encodeBlock(data, scratch);
  let block;
  if (size === 0) {
    // node-lz4 returns 0 for incompressible input; write a literals-only block instead.
    block = Buffer.concat([Buffer.from([0xf0]), literalLength(data.length - 15), data]);
  } else {
    block = scratch.subarray(0, size);
  }
  const checksum = Array.from(hasher.hash(data));
  return packr.pack([block, checksum, data.length, 'msgpack']);
}

function literalLength(rest) {
  const bytes = [];
  while (rest >= 255) {
    bytes.push(255);
    rest -= 255;
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** Payload of an envelope written by jsStore (or natively), with the checksum verified. */
function jsRetrieve(envelope, out) {
  const [block, checksum, size] = unpackr.unpack(envelope);
  const target = out && out.length >= size ? out.subarray(0, size) : Buffer.allocUnsafe(size);
  const written = lz4.decodeBlock(block, target);
  if (written !== size) throw new Error('size mismatch');
  const digest = hasher.hash(target);
  for (let i = 0; i < 8; i += 1) if (digest[i] !== checksum[i]) throw new Error('checksum mismatch');
  return target;
}

module.exports = { jsStore, jsRetrieve, encodeBound: lz4.encodeBound };
