/**
 * test-vectors/interop-mode.json, key side: every key vector's canonical bytes, hash and key,
 * and every error vector refused. Tagged inputs become BigInt, float64(), Set, Buffer,
 * isoDateTime() and uuid() values.
 */
import { describe, expect, it } from 'vitest';
import { ConfigurationError, KeyGenerationError } from '../../src/errors';
import { interopArgsHash, interopCanonicalArgs, interopKey } from '../../src/keys/interop-key';
import { loadVectors } from '../support/vectors';
import { fromTagged } from './support/tagged-json';

interface KeyVector {
  name: string;
  namespace: string;
  operation: string;
  args: unknown[];
  canonical_args_hex: string;
  args_hash: string;
  expected_key: string;
}
interface ErrorVector {
  name: string;
  namespace?: string;
  operation?: string;
  args: unknown[];
}

const file = loadVectors<{ key_vectors: KeyVector[]; error_vectors: ErrorVector[] }>('interop-mode.json');

describe('interop-mode.json key vectors', () => {
  it('has 44 key vectors and 34 error vectors', () => {
    expect(file.key_vectors).toHaveLength(44);
    expect(file.error_vectors).toHaveLength(34);
  });

  it.each(file.key_vectors.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const args = fromTagged(row.args) as unknown[];
    expect(interopCanonicalArgs(args).toString('hex')).toBe(row.canonical_args_hex);
    expect(interopArgsHash(args)).toBe(row.args_hash);
    expect(interopKey(row.namespace, row.operation, args)).toBe(row.expected_key);
  });
});

describe('interop-mode.json error vectors', () => {
  it.each(file.error_vectors.map((row) => [row.name, row] as const))('refuses %s', (_name, row) => {
    const args = fromTagged(row.args) as unknown[];
    const build = (): string => interopKey(row.namespace ?? 'users', row.operation ?? 'get_user', args);
    const segmentRow = row.namespace !== undefined || row.operation !== undefined;
    expect(build).toThrow(segmentRow ? ConfigurationError : KeyGenerationError);
  });

  it('names the path of a nested bad argument', () => {
    const row = file.error_vectors.find((r) => r.name === 'reject_nan_nested')!;
    const error = catchError(() => interopKey('t', 'op', fromTagged(row.args) as unknown[]));
    expect(error).toBeInstanceOf(KeyGenerationError);
    expect((error as KeyGenerationError).path).toBe('args[0][0].x');
    expect((error as KeyGenerationError).valueType).toBe('Float64');
  });
});

describe('interop numbers a bare JS value can and cannot say', () => {
  it('refuses a bare number beyond 2^53 but takes the same value as float64() or BigInt', async () => {
    const { float64 } = await import('../../src/msgpack/tagged-values');
    expect(() => interopKey('t', 'op', [2 ** 60])).toThrow(KeyGenerationError);
    expect(interopKey('t', 'op', [float64(2 ** 60)])).toBe(interopKey('t', 'op', [2n ** 60n]));
  });

  it('collapses a Date on a whole second to the integer epoch seconds', () => {
    const date = new Date('2024-01-01T00:00:00Z');
    expect(interopCanonicalArgs([date]).toString('hex')).toBe('91ce65920080');
  });

  it('encodes a Date with milliseconds as float64 epoch seconds', () => {
    expect(interopCanonicalArgs([new Date(1500)]).toString('hex')).toBe('91cb3ff8000000000000');
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
