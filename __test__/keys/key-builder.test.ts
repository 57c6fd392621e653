/**
 * createKeyBuilder: the prebuilt builder the cache wrapper calls per call must return exactly
 * what cacheKey returns (property-tested over options and arguments, including the inline
 * fast-path types and everything that takes the general path), and fail the same way.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, KeyGenerationError } from '../../src/errors';
import { float64 } from '../../src/msgpack/tagged-values';
import { cacheKey } from '../../src/keys/cache-key';
import { createCustomKeyBuilder, createKeyBuilder } from '../../src/keys/key-builder';

/** The key, or the path of the KeyGenerationError: builder and cacheKey must agree on either. */
function outcome(build: () => string): string {
  try {
    return `key ${build()}`;
  } catch (error) {
    if (error instanceof KeyGenerationError) return `error at ${error.path}`;
    throw error;
  }
}

const codes = ['s', 'a', 'o', 'w', 'x2263'] as const;
const codeToSerializer = { s: 'standard', a: 'auto', o: 'json', w: 'arrow', x2263: '<custom>:ArrowSerializer' } as const;

const options = fc.record({
  namespace: fc.option(fc.oneof(fc.string(), fc.string({ unit: 'grapheme', maxLength: 300 })), { nil: undefined }),
  module: fc.string({ minLength: 1, maxLength: 260 }),
  name: fc.string({ minLength: 1, maxLength: 40 }),
  integrity: fc.boolean(),
  code: fc.constantFrom(...codes),
});

const primitive = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc.double(),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);

const anyArg = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    primitive,
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
    fc.uint8Array({ maxLength: 20 }).map((bytes) => Buffer.from(bytes)),
    fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
    fc.double().map(float64),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('createKeyBuilder', () => {
  it('returns what cacheKey returns, for any options and primitive arguments (the fast path)', () => {
    fc.assert(
      fc.property(options, fc.array(primitive, { maxLength: 17 }), (opts, args) => {
        const builder = createKeyBuilder({ ...opts, serializerCode: opts.code });
        const expected = outcome(() => cacheKey({ ...opts, serializer: codeToSerializer[opts.code], args }));
        expect(outcome(() => builder(args))).toBe(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('returns what cacheKey returns for nested and rich arguments (the general path)', () => {
    fc.assert(
      fc.property(options, fc.array(anyArg, { maxLength: 5 }), (opts, args) => {
        const builder = createKeyBuilder({ ...opts, serializerCode: opts.code });
        expect(outcome(() => builder(args))).toBe(
          outcome(() => cacheKey({ ...opts, serializer: codeToSerializer[opts.code], args })),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('returns what cacheKey returns when one builder serves many calls (memo hits, misses and clears)', () => {
    const opts = { namespace: 'app', module: 'm', name: 'f', integrity: true, serializerCode: 's' } as const;
    const builder = createKeyBuilder({ ...opts, memoSize: 8 });
    const pool = fc.sample(fc.array(primitive, { maxLength: 3 }), { numRuns: 40, seed: 7 });
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: 30 }), (calls) => {
        for (const args of calls) {
          expect(outcome(() => builder(args))).toBe(outcome(() => cacheKey({ ...opts, serializer: 'standard', args })));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('keys 1 and "1", true and "true", 0 and -0 as the canonical bytes say', () => {
    const builder = createKeyBuilder({ module: 'm', name: 'f', integrity: true, serializerCode: 's' });
    expect(builder([1])).not.toBe(builder(['1']));
    expect(builder([true])).not.toBe(builder(['true']));
    expect(builder([-0])).toBe(builder([0]));
    expect(builder([null])).toBe(builder([undefined]));
  });

  it('reuses its buffer without leaking one call into the next', () => {
    const builder = createKeyBuilder({ module: 'm', name: 'f', integrity: true, serializerCode: 's' });
    const long = builder(['x'.repeat(500), 1]);
    const short = builder([1]);
    expect(short).toBe(cacheKey({ module: 'm', name: 'f', args: [1] }));
    expect(builder(['x'.repeat(500), 1])).toBe(long);
  });

  it('fails like cacheKey on an argument without a canonical form', () => {
    const builder = createKeyBuilder({ module: 'm', name: 'f', integrity: true, serializerCode: 's' });
    for (const args of [[1, 2 ** 60], ['a', 'b\udc00'], [() => 1], [Symbol('x')]]) {
      let path = '';
      try {
        builder(args);
      } catch (error) {
        expect(error).toBeInstanceOf(KeyGenerationError);
        path = (error as KeyGenerationError).path;
      }
      expect(path).toBe(`args[${args.length - 1}]`);
    }
  });

  it('validates its options when it is created', () => {
    expect(() => createKeyBuilder({ module: '', name: 'f', integrity: true, serializerCode: 's' })).toThrow(ConfigurationError);
    expect(() => createKeyBuilder({ module: 'm', name: '', integrity: true, serializerCode: 's' })).toThrow(ConfigurationError);
    expect(() => createKeyBuilder({ module: 'm', name: 'f', integrity: true, serializerCode: 'standard' })).toThrow(ConfigurationError);
    expect(() => createKeyBuilder({ module: 'm', name: 'f', integrity: 1 as unknown as boolean, serializerCode: 's' })).toThrow(ConfigurationError);
  });
});

describe('createCustomKeyBuilder', () => {
  it('builds {namespace or "default"}:{returned}', () => {
    const key = (id: number, region: string): string => `user:${id}:${region}`;
    expect(createCustomKeyBuilder({ namespace: 'app', key })([7, 'eu'])).toBe('app:user:7:eu');
    expect(createCustomKeyBuilder({ key })([7, 'eu'])).toBe('default:user:7:eu');
  });

  it('refuses a key function that does not return a non-empty string', () => {
    expect(() => createCustomKeyBuilder({ key: () => 42 as unknown as string })([])).toThrow(KeyGenerationError);
    expect(() => createCustomKeyBuilder({ key: () => '' })([])).toThrow(KeyGenerationError);
  });
});
