/**
 * test-vectors/decode-bounds.json through the pre-scan: every reject row is refused by the
 * scan itself (not by a decoder hitting end of input), with a violation among the row's
 * `reject_reasons`; every accept row passes. The scan never allocates per declared element,
 * so the 4 GiB claims cost nothing.
 */
import { describe, expect, it } from 'vitest';
import { IntegrityError } from '../../src/errors';
import { DecodeBoundsError, MAX_DECODE_DEPTH, checkDecodeBounds } from '../../src/msgpack/bounds';
import { hex, loadVectors } from '../support/vectors';

interface Row {
  name: string;
  construction: { repeat_hex: string; count: number; suffix_hex: string };
  input_len: number;
  reject_reasons?: string[];
}
const file = loadVectors<{ reject_vectors: Row[]; accept_vectors: Row[] }>('decode-bounds.json');

function build(row: Row): Buffer {
  const { repeat_hex, count, suffix_hex } = row.construction;
  const input = Buffer.concat([Buffer.concat(Array.from({ length: count }, () => hex(repeat_hex))), hex(suffix_hex)]);
  expect(input.length).toBe(row.input_len);
  return input;
}

describe('decode-bounds.json', () => {
  it('has 19 reject and 3 accept rows', () => {
    expect(file.reject_vectors).toHaveLength(19);
    expect(file.accept_vectors).toHaveLength(3);
  });

  it.each(file.reject_vectors.map((row) => [row.name, row] as const))('refuses %s', (_name, row) => {
    const input = build(row);
    let caught: unknown;
    try {
      checkDecodeBounds(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DecodeBoundsError);
    expect(caught).toBeInstanceOf(IntegrityError);
    expect(row.reject_reasons).toContain((caught as DecodeBoundsError).violation);
  });

  it.each(file.accept_vectors.map((row) => [row.name, row] as const))('accepts %s', (_name, row) => {
    expect(() => checkDecodeBounds(build(row))).not.toThrow();
  });
});

describe('checkDecodeBounds beyond the vectors', () => {
  it('accepts nesting at exactly the bound and refuses one level more', () => {
    const nest = (depth: number): Buffer => Buffer.concat([Buffer.alloc(depth, 0x91), Buffer.from([0xc0])]);
    expect(() => checkDecodeBounds(nest(MAX_DECODE_DEPTH))).not.toThrow();
    expect(() => checkDecodeBounds(nest(MAX_DECODE_DEPTH + 1))).toThrow(/depth/);
  });

  it('refuses trailing bytes after one document', () => {
    expect(() => checkDecodeBounds(Buffer.from('2a00', 'hex'))).toThrow(/trailing/);
  });

  it('refuses the never-used marker 0xc1 and empty input', () => {
    expect(() => checkDecodeBounds(Buffer.from('91c1', 'hex'))).toThrow(/invalid/);
    expect(() => checkDecodeBounds(Buffer.alloc(0))).toThrow(/incomplete/);
  });

  it('refuses a truncated fixed-width scalar', () => {
    expect(() => checkDecodeBounds(Buffer.from('cb3ff0', 'hex'))).toThrow(/incomplete/);
  });

  it('checks a window of a larger buffer', () => {
    const bytes = Buffer.from('ff922a2aff', 'hex');
    expect(() => checkDecodeBounds(bytes, 1, 4)).not.toThrow();
    expect(() => checkDecodeBounds(bytes, 1, 5)).toThrow(/trailing/);
  });
});
