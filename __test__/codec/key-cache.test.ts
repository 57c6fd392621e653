/**
 * The MessagePack decoder's key cache must never hand back a property name for bytes that are
 * no longer there: callers (the Redis reader, a socket) reuse one buffer for many documents, so
 * a key cached as a view of that buffer would change under the cache and serve stale names.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueDecoder } from '../../src/msgpack/value-decoder';
import { standardSerializer } from '../../src/codec/serializers/msgpack-serializers';

/** Copies `bytes` to the start of `reused` and returns the view a reader would pass on. */
function intoReused(reused: Buffer, bytes: Uint8Array): Buffer {
  reused.set(bytes, 0);
  return reused.subarray(0, bytes.length);
}

describe('MessagePack key cache', () => {
  it('reads the property names of the bytes now in a reused buffer, not those decoded from it before', () => {
    const reused = Buffer.alloc(64);
    const first = standardSerializer.deserialize(intoReused(reused, standardSerializer.serialize({ role: 'x', admin: true })));
    expect(first).toEqual({ role: 'x', admin: true });

    const second = standardSerializer.deserialize(intoReused(reused, standardSerializer.serialize({ roXe: 'x', adXin: true })));
    expect(second).toEqual({ roXe: 'x', adXin: true });
    // The slot must not have been poisoned for later reads of fresh buffers either.
    expect(standardSerializer.deserialize(Buffer.from(standardSerializer.serialize({ roXe: 1 })))).toEqual({ roXe: 1 });
  });

  it('decodes any sequence of documents from one reused buffer exactly as from fresh copies', () => {
    // Short keys over a tiny alphabet share lengths and first/last bytes, so they share slots.
    const key = fc.string({ unit: fc.constantFrom('a', 'b', 'X'), minLength: 1, maxLength: 5 });
    const record = fc.dictionary(key, fc.oneof(fc.integer(), fc.boolean(), key), { minKeys: 1, maxKeys: 4 });
    const documents = fc.array(fc.oneof(record, fc.array(record, { maxLength: 3 })), { minLength: 2, maxLength: 12 });
    fc.assert(
      fc.property(documents, (values) => {
        const shared = new ValueDecoder('standard');
        const reused = Buffer.alloc(1024);
        for (const value of values) {
          const bytes = standardSerializer.serialize(value);
          const fromReused = shared.decode(intoReused(reused, bytes));
          expect(fromReused).toEqual(new ValueDecoder('standard').decode(Buffer.from(bytes)));
          expect(fromReused).toEqual(value);
          // And the shared decoder still agrees on a fresh copy afterwards.
          expect(shared.decode(Buffer.from(bytes))).toEqual(value);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
