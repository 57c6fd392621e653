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
});
