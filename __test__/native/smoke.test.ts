import { describe, expect, it } from 'vitest';
import { blake2b256 } from '../../src/native';

describe('native binding', () => {
  it('computes BLAKE2b-256 of the empty input', () => {
    expect(blake2b256(new Uint8Array()).toString('hex')).toBe(
      '0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8',
    );
  });
});
