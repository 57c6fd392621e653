/**
 * fast-check arbitraries of the values each serializer round-trips exactly.
 */
import fc from 'fast-check';

const key = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'value', ''));

/** Strings of whole code points (no lone surrogates), BMP and beyond. */
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 400 }));

const double = fc.double();
const int64Beyond53 = fc.oneof(
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }),
  fc.bigInt({ min: -(2n ** 63n), max: -(2n ** 53n) }),
);
const pythonDate = fc.date({ min: new Date('0001-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true });

/** Objects built with own data properties (a `__proto__` key stays a key). */
function record(values: fc.Arbitrary<unknown>): fc.Arbitrary<Record<string, unknown>> {
  return fc.array(fc.tuple(key, values), { maxLength: 5 }).map((entries) => Object.fromEntries(entries));
}

/** What `standard` writes and reads back unchanged. */
export const standardValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.maxSafeInteger(),
    double,
    int64Beyond53,
    text,
    fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
    pythonDate,
    fc.array(tie('value'), { maxLength: 5 }),
    record(tie('value')),
  ),
})).value;

const typedArray = fc.oneof(
  fc.int8Array({ maxLength: 6 }),
  fc.uint8Array({ maxLength: 6 }),
  fc.uint8ClampedArray({ maxLength: 6 }),
  fc.int16Array({ maxLength: 6 }),
  fc.uint16Array({ maxLength: 6 }),
  fc.int32Array({ maxLength: 6 }),
  fc.uint32Array({ maxLength: 6 }),
  fc.float32Array({ maxLength: 6 }),
  fc.float64Array({ maxLength: 6 }),
  fc.bigInt64Array({ maxLength: 4 }),
  fc.bigUint64Array({ maxLength: 4 }),
);

/** What `auto` writes and reads back unchanged. */
export const autoValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, undefined, -0, Number.NaN, Number.POSITIVE_INFINITY),
    fc.boolean(),
    fc.integer(),
    double,
    fc.bigInt(),
    text,
    fc.uint8Array({ maxLength: 20 }).map((bytes) => Buffer.from(bytes)),
    typedArray,
    fc.uint8Array({ maxLength: 10 }).map((bytes) => bytes.slice().buffer),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 5 }),
    record(tie('value')),
    fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 4 }).map((entries) => new Map(entries)),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => new Set(items)),
  ),
})).value;

/** What `json` writes and reads back unchanged. */
export const jsonValue: fc.Arbitrary<unknown> = fc.jsonValue().map((value) => JSON.parse(JSON.stringify(value)) as unknown);
