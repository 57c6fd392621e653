/**
 * Key-bound plaintext envelopes (`bindKey`): the format tag names the tenant and key, and the
 * codec remembers tags per key. Whatever the memo holds, an entry opens only under the tenant
 * and key it was sealed for.
 */
import { describe, expect, it } from 'vitest';
import { IntegrityError } from '../../src/errors';
import { createCodec } from '../../src/codec/codec';

const codec = createCodec({ serializer: 'standard', bindKey: true });
const opens = (stored: Buffer, key: string, tenant: string): boolean => {
  try {
    codec.open(stored, { key, tenant });
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(IntegrityError);
    return false;
  }
};

describe('key-bound envelopes', () => {
  it('open only under the tenant and key they were sealed for, in any order of lookups', () => {
    const sealedA = codec.seal(codec.serialize({ v: 'a' }), { key: 'k:a', tenant: 't1' });
    const sealedB = codec.seal(codec.serialize({ v: 'b' }), { key: 'k:b', tenant: 't1' });
    const sealedA2 = codec.seal(codec.serialize({ v: 'a2' }), { key: 'k:a', tenant: 't2' });
    for (let round = 0; round < 3; round++) {
      expect(opens(sealedA, 'k:a', 't1')).toBe(true);
      expect(opens(sealedA, 'k:a', 't2')).toBe(false);
      expect(opens(sealedA2, 'k:a', 't2')).toBe(true);
      expect(opens(sealedA2, 'k:a', 't1')).toBe(false);
      expect(opens(sealedA, 'k:b', 't1')).toBe(false);
      expect(opens(sealedB, 'k:b', 't1')).toBe(true);
      expect(opens(sealedB, 'k:a', 't1')).toBe(false);
    }
  });

  it('still bind after more keys than the tag memo holds', () => {
    const sealed = codec.seal(codec.serialize(1), { key: 'k:first', tenant: 'default' });
    for (let i = 0; i < 5000; i++) codec.seal(codec.serialize(i), { key: `k:${i}`, tenant: 'default' });
    expect(opens(sealed, 'k:first', 'default')).toBe(true);
    expect(opens(sealed, 'k:4999', 'default')).toBe(false);
    expect(codec.deserialize(codec.open(sealed, { key: 'k:first', tenant: 'default' }))).toBe(1);
  });

  it('seal the same bytes whether or not the key was prepared, and a prepared tag never crosses tenants', () => {
    const fresh = createCodec({ serializer: 'standard', bindKey: true });
    const prepared = createCodec({ serializer: 'standard', bindKey: true });
    const serialized = fresh.serialize({ v: 1 });
    prepared.prepare({ key: 'k:p', tenant: 't1' });
    expect(prepared.seal(serialized, { key: 'k:p', tenant: 't1' })).toEqual(fresh.seal(serialized, { key: 'k:p', tenant: 't1' }));
    // Prepared for t1, sealed for t2: the t2 tag, which t1 cannot open.
    const forT2 = prepared.seal(serialized, { key: 'k:p', tenant: 't2' });
    expect(forT2).toEqual(fresh.seal(serialized, { key: 'k:p', tenant: 't2' }));
    expect(() => prepared.open(forT2, { key: 'k:p', tenant: 't1' })).toThrow(IntegrityError);
    expect(prepared.deserialize(prepared.open(forT2, { key: 'k:p', tenant: 't2' }))).toEqual({ v: 1 });
  });
});
