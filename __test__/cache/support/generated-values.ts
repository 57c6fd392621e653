/**
 * The values the cross-process test writes in one process and reads in another. Both processes
 * build the same list from the same seed (fast-check sampling is deterministic), so nothing has
 * to travel between them but the seed. Besides generated values, each serializer gets the
 * legal-but-awkward values that once made every later read reject: a DataView (`auto`), objects
 * and arrays nested thousands deep.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { autoValue, jsonValue, standardValue } from '../../codec/arbitraries';

/** Serializers under test, each with the arbitrary of values it round-trips exactly. */
export const SERIALIZERS = { standard: standardValue, auto: autoValue, json: jsonValue } as const;
export type SerializerUnderTest = keyof typeof SERIALIZERS;

/** Generated values per serializer. */
const GENERATED = 40;

/** An object nested `depth` levels deep: `{ next: { next: … { leaf: true } } }`. */
function deepObject(depth: number): unknown {
  let value: unknown = { leaf: true };
  for (let i = 0; i < depth; i++) value = { next: value };
  return value;
}

/** An array nested `depth` levels deep: `[[[ … [1] … ]]]`. */
function deepArray(depth: number): unknown {
  let value: unknown = [1];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function awkwardValues(serializer: SerializerUnderTest): unknown[] {
  const deep = [deepObject(3_500), deepArray(3_500), { rows: [deepObject(4_000)] }];
  if (serializer !== 'auto') return deep;
  const bytes = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  return [...deep, new DataView(bytes.buffer), { view: new DataView(bytes.buffer, 2, 4) }, new Map([['view', new DataView(new ArrayBuffer(3))]])];
}

/** The values of `serializer` for `seed`, the same in every process. */
export function valuesFor(serializer: SerializerUnderTest, seed: number): unknown[] {
  return [...fc.sample(SERIALIZERS[serializer], { seed, numRuns: GENERATED }), ...awkwardValues(serializer)];
}

/** A fixed master key for the encrypted runs (test data, not a secret). */
export const TEST_MASTER_KEY = 'a1'.repeat(32);

/** The cache options both processes use, so they share keys: same module, name and namespace. */
export function sharedIdentity(runId: string, serializer: SerializerUnderTest, encrypted: boolean) {
  return { module: 'cross-process', name: 'value', namespace: `${runId}-${serializer}-${encrypted ? 'enc' : 'plain'}` };
}

/**
 * Deep equality for these values. `isDeepStrictEqual` recurses and overflows the stack on the
 * thousands-deep values; those hold only plain objects, arrays, strings and booleans, which
 * JSON compares exactly (JSON.stringify does not overflow there).
 */
export function sameValue(a: unknown, b: unknown): boolean {
  try {
    return isDeepStrictEqual(a, b);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return JSON.stringify(a) === JSON.stringify(b);
  }
}
