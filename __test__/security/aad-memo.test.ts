import { describe, expect, it } from 'vitest';
import { aadOf } from '../../src/encryption/aad-memo';
import type { EncryptionContext } from '../../src/encryption/value-encryptor';
import { createAadMemo } from '../../src/encryption/aad-memo';

const context: EncryptionContext = { key: 'func:m.f:args:ab:1s', tenant: 'acme', format: 'msgpack', compressed: true };

describe('AAD memo', () => {
  it('answers a remembered read with the same AAD bytes the context builds', () => {
    const aadFor = createAadMemo();
    const first = aadFor(context, true);
    expect(first.equals(aadOf(context))).toBe(true);
    expect(aadFor({ ...context }, true)).toBe(first);
  });

  it('never answers one tenant, format or compression with the AAD remembered for another', () => {
    const aadFor = createAadMemo();
    aadFor(context, true);
    for (const other of [
      { ...context, tenant: 'globex' },
      { ...context, format: 'json' },
      { ...context, compressed: false },
    ]) {
      expect(aadFor(other, true).equals(aadOf(other))).toBe(true);
      expect(aadFor(other, true).equals(aadOf(context))).toBe(false);
    }
  });

  it('does not remember AADs built for writes', () => {
    const aadFor = createAadMemo();
    const written = aadFor(context, false);
    const read = aadFor(context, true);
    expect(read.equals(written)).toBe(true);
    expect(read).not.toBe(written);
  });

  it('keeps no reference to a caller context that could change after the call', () => {
    const aadFor = createAadMemo();
    const mutable = { ...context };
    aadFor(mutable, true);
    mutable.tenant = 'changed';
    expect(aadFor(mutable, true).equals(aadOf(mutable))).toBe(true);
  });
});
