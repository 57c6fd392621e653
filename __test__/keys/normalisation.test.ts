/**
 * Argument normalisation of the default key profile: what each JS value hashes as, and the
 * KeyGenerationError (with path and type) of every value that has no canonical form.
 */
import { describe, expect, it } from 'vitest';
import { KeyGenerationError } from '../../src/errors';
import { MsgpackWriter } from '../../src/msgpack/writer';
import { float64, isoDateTime, uuid } from '../../src/msgpack/tagged-values';
import { argsHash } from '../../src/keys/cache-key';
import { CanonicalArgsEncoder, MAX_KEY_DEPTH } from '../../src/keys/canonical-args';
import { thrownAs } from '../support/thrown';

/** Hex of the canonical `[args, kwargs]` document. */
function canonical(args: unknown[], kwargs?: Record<string, unknown>): string {
  const encoder = new CanonicalArgsEncoder(new MsgpackWriter(16), 'default');
  encoder.writeArgsAndKwargs(args, kwargs);
  return encoder.writer.view().toString('hex');
}

function keyError(args: unknown[], kwargs?: Record<string, unknown>): KeyGenerationError {
  return thrownAs(KeyGenerationError, () => argsHash(args, kwargs));
}

describe('default-profile normalisation', () => {
  it('encodes [[42], {}] as 92 91 2a 80 (the reference hash input)', () => {
    expect(canonical([42])).toBe('92912a80');
  });

  it('turns -0 into 0 and undefined into nil', () => {
    expect(canonical([-0, undefined])).toBe('929200c080');
    expect(argsHash([-0])).toBe(argsHash([0]));
    expect(argsHash([undefined])).toBe(argsHash([null]));
  });

  it('encodes non-integral numbers, NaN and ±Infinity as float64, and float64() even when integral', () => {
    expect(canonical([1.5])).toBe('9291cb3ff800000000000080');
    expect(canonical([float64(3)])).toBe('9291cb400800000000000080');
    expect(canonical([Number.NaN])).toBe('9291cb7ff800000000000080');
    expect(canonical([Number.POSITIVE_INFINITY])).toBe('9291cb7ff000000000000080');
  });

  it('takes BigInts over the whole MessagePack integer range, in the shortest form', () => {
    expect(canonical([5n])).toBe('92910580');
    expect(canonical([2n ** 64n - 1n])).toBe('9291cfffffffffffffffff80');
    expect(canonical([-(2n ** 63n)])).toBe('9291d3800000000000000080');
    expect(argsHash([2n ** 53n + 1n])).not.toBe(argsHash([2n ** 53n]));
  });

  it('sorts object and Map keys by code point, not UTF-16 order', () => {
    const supplementary = '\u{10000}';
    const halfwidth = '\uff61';
    const expected = canonical([{ [halfwidth]: 2, [supplementary]: 1 }]);
    expect(canonical([{ [supplementary]: 1, [halfwidth]: 2 }])).toBe(expected);
    expect(canonical([new Map([[supplementary, 1], [halfwidth, 2]])])).toBe(expected);
    // U+FF61 (ef bd a1) comes first.
    expect(expected).toBe('929182a3efbda102a4f09080800180');
  });

  it('keeps a __proto__ key as an ordinary key', () => {
    const value = JSON.parse('{"__proto__": 1}') as Record<string, unknown>;
    expect(canonical([value])).toBe('929181a95f5f70726f746f5f5f0180');
  });

  it('sorts kwargs, so their order never changes the key', () => {
    expect(argsHash([], { b: 1, a: 2 })).toBe(argsHash([], { a: 2, b: 1 }));
  });

  it('encodes Buffers and Uint8Arrays as bin', () => {
    expect(canonical([Buffer.from([1, 2])])).toBe('9291c4020102' + '80');
    expect(canonical([new Uint8Array([1, 2])])).toBe(canonical([Buffer.from([1, 2])]));
  });

  it('writes a Date as Python isoformat() of its UTC instant', () => {
    const text = '2024-01-01T12:30:45.123000+00:00';
    expect(argsHash([new Date('2024-01-01T12:30:45.123Z')])).toBe(argsHash([text]));
    expect(argsHash([new Date('2024-01-01T00:00:00Z')])).toBe(argsHash(['2024-01-01T00:00:00+00:00']));
  });

  it('writes an isoDateTime() with its offset and microseconds, and a uuid() in lowercase', () => {
    expect(argsHash([isoDateTime('2024-01-01T18:00:45.123456+05:30')])).toBe(argsHash(['2024-01-01T18:00:45.123456+05:30']));
    expect(argsHash([isoDateTime('2024-01-01T00:00:00Z')])).toBe(argsHash(['2024-01-01T00:00:00+00:00']));
    expect(argsHash([uuid('550E8400-E29B-41D4-A716-446655440000')])).toBe(argsHash(['550e8400-e29b-41d4-a716-446655440000']));
  });

  it('sorts a Set by encoded bytes and drops duplicates', () => {
    expect(canonical([new Set([3, 1, 2, 1])])).toBe(canonical([[1, 2, 3]]));
    expect(argsHash([new Set(['b', 'a'])])).toBe(argsHash([new Set(['a', 'b'])]));
  });

  it('uses toJSON() of class instances', () => {
    class Point {
      constructor(readonly x: number) {}
      toJSON(): unknown {
        return { x: this.x };
      }
    }
    expect(argsHash([new Point(1)])).toBe(argsHash([{ x: 1 }]));
  });

  it('gives shared (non-cyclic) references the same bytes as copies', () => {
    const shared = { a: 1 };
    expect(argsHash([[shared, shared]])).toBe(argsHash([[{ a: 1 }, { a: 1 }]]));
  });
});

describe('KeyGenerationError names the path and the type', () => {
  it.each([
    ['a function', [1, { cb: () => 1 }], 'args[1].cb', 'function'],
    ['a symbol', [Symbol('s')], 'args[0]', 'symbol'],
    ['a class instance without toJSON', [{ when: new (class Session {})() }], 'args[0].when', 'Session'],
    ['an invalid Date', [[new Date('nope')]], 'args[0][0]', 'Date'],
    ['a lone surrogate', ['ok', 'bad\ud800'], 'args[1]', 'string'],
    ['an unsafe integer', [{ id: 2 ** 60 }], 'args[0].id', 'number'],
    ['a BigInt beyond uint64', [2n ** 64n], 'args[0]', 'bigint'],
    ['a non-string Map key', [new Map([[1, 'a']])], 'args[0]<Map key>', 'number'],
    ['a naive isoDateTime', [isoDateTime('2024-01-01T00:00:00')], 'args[0]', 'IsoDateTime'],
    ['a typed array other than Uint8Array', [new Float32Array(2)], 'args[0]', 'Float32Array'],
    ['a key with an odd name', [{ 'a b': { c: () => 0 } }], 'args[0]["a b"].c', 'function'],
  ])('%s', (_label, args, path, valueType) => {
    const error = keyError(args as unknown[]);
    expect(error.path).toBe(path);
    expect(error.valueType).toBe(valueType);
    expect(error.message).toContain(path);
    expect(error.code).toBe('ERR_KEY_GENERATION');
  });

  it('names kwargs paths', () => {
    expect(keyError([], { user: { f: () => 1 } }).path).toBe('kwargs.user.f');
  });

  it('refuses a cycle', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const error = keyError([cyclic]);
    expect(error.path).toBe('args[0].self');
    expect(error.message).toContain('cycle');
  });

  it('refuses nesting deeper than MAX_KEY_DEPTH instead of overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_KEY_DEPTH + 5; i++) deep = [deep];
    expect(keyError([deep]).message).toContain('nested deeper');
  });

  it('refuses a Set element without a canonical form, naming it', () => {
    expect(keyError([new Set([1, () => 2])]).path).toBe('args[0]<Set element 1>');
  });
});
