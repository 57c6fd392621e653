import { describe, expect, it } from 'vitest';
import { aadOf } from '../../src/encryption/aad-memo';
import type { EntryContext, EntryLayout } from '../../src/encryption/value-encryptor';
import { createAadMemo } from '../../src/encryption/aad-memo';

/** An entry and its layout in one object, passed as both. */
const context: EntryContext & EntryLayout = { key: 'func:m.f:args:ab:1s', tenant: 'acme', format: 'msgpack', compressed: true };

describe('AAD memo', () => {
  it('answers a remembered read with the same AAD bytes the context builds', () => {
    const aadFor = createAadMemo();
    const first = aadFor(context, context, true);
    expect(first.equals(aadOf(context, context))).toBe(true);
    const copy = { ...context };
    expect(aadFor(copy, copy, true)).toBe(first);
  });

  it('never answers one tenant, format or compression with the AAD remembered for another', () => {
    const aadFor = createAadMemo();
    aadFor(context, context, true);
    for (const other of [
      { ...context, tenant: 'globex' },
      { ...context, format: 'json' },
      { ...context, compressed: false },
    ]) {
      expect(aadFor(other, other, true).equals(aadOf(other, other))).toBe(true);
      expect(aadFor(other, other, true).equals(aadOf(context, context))).toBe(false);
    }
  });

  it('does not remember AADs built for writes', () => {
    const aadFor = createAadMemo();
    const written = aadFor(context, context, false);
    const read = aadFor(context, context, true);
    expect(read.equals(written)).toBe(true);
    expect(read).not.toBe(written);
  });

  it('keeps no reference to a caller context that could change after the call', () => {
    const aadFor = createAadMemo();
    const mutable = { ...context };
    aadFor(mutable, mutable, true);
    mutable.tenant = 'changed';
    expect(aadFor(mutable, mutable, true).equals(aadOf(mutable, mutable))).toBe(true);
  });
});
