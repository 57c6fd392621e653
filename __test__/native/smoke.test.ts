import { createHash } from 'node:crypto';
import { blake2b as hashWasmBlake2b } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { blake2b128, blake2b256, blake2b256Hex, xxh3_64 } from '../../src/native';

const sample = Buffer.from('hello, cachekit!');

describe('native digests', () => {
  it('computes BLAKE2b-256 of the empty input', () => {
    expect(blake2b256(new Uint8Array()).toString('hex')).toBe(
      '0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8',
    );
  });

  it('agrees with an independent BLAKE2b (hash-wasm) for 256 and 128-bit digests', async () => {
    for (const size of [0, 1, 64, 127, 128, 129, 1000]) {
      const input = Buffer.alloc(size, size % 251);
      expect(blake2b256Hex(input)).toBe(await hashWasmBlake2b(input, 256));
      expect(blake2b256(input).toString('hex')).toBe(await hashWasmBlake2b(input, 256));
      expect(blake2b128(input).toString('hex')).toBe(await hashWasmBlake2b(input, 128));
    }
  });

  it('computes BLAKE2b-128 (the file backend name) of "abc"', () => {
    expect(blake2b128(Buffer.from('abc')).toString('hex')).toBe('cf4ab791c62b8d2b2109c90275287816');
  });

  it('computes xxHash3-64 big-endian: the checksum of "hello, cachekit!" from the wire-format vector', () => {
    expect(xxh3_64(sample).toString('hex')).toBe('6d8a34b63a3c52d3');
    expect(xxh3_64(new Uint8Array()).toString('hex')).toBe('2d06800538d394c2');
  });

  it('accepts any Uint8Array view, not only Buffers', () => {
    const backing = new Uint8Array([0, ...sample, 0]);
    const view = backing.subarray(1, 1 + sample.length);
    expect(blake2b256Hex(view)).toBe(blake2b256Hex(sample));
    expect(createHash('sha256').update(blake2b256(view)).digest('hex')).toBe(
      createHash('sha256').update(blake2b256(sample)).digest('hex'),
    );
  });
});
