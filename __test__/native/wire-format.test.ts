/**
 * test-vectors/wire-format.json through the binding: every envelope decodes to its input,
 * every bin envelope is written byte for byte, every reject row fails with the code of its
 * step.
 */
import { describe, expect, it } from 'vitest';
import { ByteStorage, type NativeErrorCode } from '../../src/native';
import { hex, loadVectors } from '../support/vectors';
import { thrown } from '../support/thrown';

interface Segment {
  hex: string;
  count: number;
}

interface WireFormat {
  limits: { max_uncompressed_size: number; max_compressed_size: number; max_compression_ratio: number };
  vectors: Array<{ name: string; input_hex: string; envelope_hex: string; format: string; envelope_encoding?: string }>;
  reject_vectors: Array<{
    name: string;
    envelope_hex: string;
    reject_step: number;
    reject_check?: string;
    compressed_size: number;
  }>;
  constructed_vectors: Array<{
    name: string;
    envelope_construction: Segment[];
    input_construction: Segment[];
    original_size: number;
    envelope_size: number;
  }>;
  payload_reject_vectors: Array<{ name: string; envelope_hex: string; input_hex: string }>;
  temporal_sentinel_vectors: Array<{ name: string; payload_hex: string }>;
}

const wire = loadVectors<WireFormat>('wire-format.json');
const storage = new ByteStorage();

function construct(segments: Segment[]): Buffer {
  return Buffer.concat(segments.map(({ hex: piece, count }) => Buffer.from(piece.repeat(count), 'hex')));
}

/** The error code each Retrieve Flow step raises. */
function codeForStep(row: WireFormat['reject_vectors'][number]): NativeErrorCode {
  switch (row.reject_step) {
    case 2:
      return row.reject_check === 'decode_bounds' ? 'ERR_DECODE_BOUNDS' : 'ERR_DESERIALIZATION_FAILED';
    case 4:
      return 'ERR_INPUT_TOO_LARGE';
    case 5:
      return 'ERR_DECOMPRESSION_BOMB';
    case 6:
      return 'ERR_SIZE_MISMATCH';
    case 8:
      return 'ERR_CHECKSUM_MISMATCH';
    default:
      throw new Error(`${row.name}: no expectation for step ${row.reject_step}`);
  }
}

describe('wire-format vectors through the binding', () => {
  it.each(wire.vectors.map((row) => [row.name, row] as const))('%s decodes to its input', (_name, row) => {
    const envelope = hex(row.envelope_hex);
    const { data, format } = storage.retrieve(envelope);
    expect(data.toString('hex')).toBe(row.input_hex);
    expect(format).toBe(row.format);
    expect(storage.validate(envelope)).toBe(true);
  });

  it.each(wire.vectors.filter((row) => row.envelope_encoding === 'bin').map((row) => [row.name, row] as const))(
    '%s is written byte for byte',
    (_name, row) => {
      expect(storage.store(hex(row.input_hex)).toString('hex')).toBe(row.envelope_hex);
    },
  );

  it.each(wire.reject_vectors.map((row) => [row.name, row] as const))('%s fails at its stated step', (_name, row) => {
    const envelope = hex(row.envelope_hex);
    const error = thrown(() => storage.retrieve(envelope));
    expect(error.code).toBe(codeForStep(row));
    if (row.reject_step === 5 && row.compressed_size === 0) expect(error.message).toMatch(/empty/);
    if (row.reject_step === 4) expect(error.message).toMatch(/original_size/);
    expect(storage.validate(envelope)).toBe(false);
  });

  it.each(wire.constructed_vectors.map((row) => [row.name, row] as const))(
    '%s (constructed) decodes to its input',
    (_name, row) => {
      const envelope = construct(row.envelope_construction);
      const input = construct(row.input_construction);
      expect(envelope.length).toBe(row.envelope_size);
      expect(input.length).toBe(row.original_size);
      expect(storage.retrieve(envelope).data.equals(input)).toBe(true);
    },
  );

  it('payload-reject envelopes unwrap to their (hostile) payload; refusing it is the payload decoder’s job', () => {
    for (const row of wire.payload_reject_vectors) {
      expect(storage.retrieve(hex(row.envelope_hex)).data.toString('hex')).toBe(row.input_hex);
    }
  });

  it('temporal-sentinel payloads round-trip byte for byte', () => {
    for (const row of wire.temporal_sentinel_vectors) {
      const payload = hex(row.payload_hex);
      expect(storage.retrieve(storage.store(payload)).data.equals(payload)).toBe(true);
    }
  });

  it('the async variants agree with the sync ones on vectors and rejects', async () => {
    for (const row of wire.vectors) {
      const { data } = await storage.retrieveAsync(hex(row.envelope_hex));
      expect(data.toString('hex')).toBe(row.input_hex);
    }
    for (const row of wire.reject_vectors) {
      await expect(storage.retrieveAsync(hex(row.envelope_hex))).rejects.toMatchObject({ code: codeForStep(row) });
    }
  });
});
