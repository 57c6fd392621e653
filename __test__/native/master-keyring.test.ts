/** MasterKeyring and TenantMacKeys through the binding: keys in, handles out, never bytes back. */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MAC_FRAME_OVERHEAD, createAad, deriveTenantKeys, loadMasterKeyring, macFrameFingerprint } from '../../src/native';
import { codeOf, thrown } from '../support/thrown';

const HEX = '007f80ffa55ac33c1ee12dd24bb469968778f00f01102332455467768998abba';
const OLD_HEX = '11'.repeat(32);
const bytesOf = (hex: string) => Buffer.from(hex, 'hex');
const aad = (key: string, tenantId = 't1') => createAad({ tenantId, cacheKey: key, format: 'msgpack', compressed: true });

describe('loadMasterKeyring', () => {
  it('derives the same tenant keys from hex and from bytes as deriveTenantKeys does', () => {
    const direct = deriveTenantKeys(bytesOf(HEX), 'acme', { previousMasterKeys: [bytesOf(OLD_HEX)] });
    for (const ring of [loadMasterKeyring(HEX, [OLD_HEX]), loadMasterKeyring(bytesOf(HEX), [bytesOf(OLD_HEX)])]) {
      expect(ring.previousKeyCount).toBe(1);
      expect(ring.deriveTenantKeys('acme').fingerprints()).toEqual(direct.fingerprints());
    }
  });

  it('copies byte keys: wiping the caller’s Buffer afterwards changes nothing', () => {
    const key = bytesOf(HEX);
    const ring = loadMasterKeyring(key);
    key.fill(0);
    expect(ring.deriveTenantKeys('later').fingerprint()).toEqual(deriveTenantKeys(bytesOf(HEX), 'later').fingerprint());
  });

  it('says which key it refused, and never echoes one', () => {
    const cases: Array<[() => unknown, string, unknown]> = [
      [() => loadMasterKeyring('00'.repeat(32)), 'ERR_WEAK_MASTER_KEY', 'current'],
      [() => loadMasterKeyring(`${HEX.slice(0, 62)}zz`), 'ERR_INVALID_MASTER_KEY_HEX', 'current'],
      [() => loadMasterKeyring(bytesOf(HEX).subarray(1)), 'ERR_INVALID_KEY_LENGTH', 'current'],
      [() => loadMasterKeyring(HEX, [OLD_HEX, HEX.toUpperCase()]), 'ERR_DUPLICATE_MASTER_KEY', 1],
      [() => loadMasterKeyring(HEX, [OLD_HEX, OLD_HEX]), 'ERR_DUPLICATE_MASTER_KEY', 1],
      [() => loadMasterKeyring(HEX, ['22'.repeat(32), '33'.repeat(32), '44'.repeat(32), '55'.repeat(32)]), 'ERR_TOO_MANY_PREVIOUS_KEYS', 3],
      [() => loadMasterKeyring(HEX, [42 as never]), 'ERR_INVALID_ARGUMENT', 0],
    ];
    for (const [load, code, failedKey] of cases) {
      const error = thrown(load) as Error & { code?: string; failedKey?: unknown };
      expect([error.code, error.failedKey]).toEqual([code, failedKey]);
      expect(error.message.toLowerCase()).not.toContain(HEX.slice(0, 16));
    }
  });

  it('shows no key material in JSON or inspection', () => {
    const ring = loadMasterKeyring(HEX, [OLD_HEX]);
    const mac = ring.deriveTenantMacKeys('acme');
    const shown = `${JSON.stringify(ring)} ${inspect(ring)} ${JSON.stringify(mac)} ${inspect(mac)}`;
    expect(shown).toContain('previousKeys');
    expect(shown).not.toContain(HEX.slice(0, 16));
    expect(shown).not.toContain(OLD_HEX.slice(0, 16));
  });
});

describe('TenantMacKeys', () => {
  const ring = loadMasterKeyring(HEX);

  it('frames a payload and verifies it back as a view of the frame', () => {
    const mac = ring.deriveTenantMacKeys('t1');
    const framed = mac.seal(Buffer.from('envelope'), aad('k1'));
    expect(framed.length).toBe(8 + MAC_FRAME_OVERHEAD);
    expect(framed.subarray(0, 4)).toEqual(Buffer.from([0x63, 0x6b, 0x6d, 0x01]));
    expect(mac.verify(framed, aad('k1')).toString()).toBe('envelope');
  });

  it('refuses another binding, a flipped bit and unframed bytes, each with its code', () => {
    const mac = ring.deriveTenantMacKeys('t1');
    const framed = mac.seal(Buffer.from('envelope'), aad('k1'));
    expect(codeOf(() => mac.verify(framed, aad('k2')))).toBe('ERR_MAC_MISMATCH');
    expect(codeOf(() => mac.verify(framed, aad('k1', 't2')))).toBe('ERR_MAC_MISMATCH');
    for (let bit = 0; bit < framed.length * 8; bit++) {
      const flipped = Buffer.from(framed);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      expect(codeOf(() => mac.verify(flipped, aad('k1')))).toMatch(/^ERR_(MAC_MISMATCH|NOT_KEYED_ENTRY|UNKNOWN_KEY_FINGERPRINT)$/);
    }
    expect(codeOf(() => mac.verify(Buffer.from('a plain envelope, long enough to hold a frame header'), aad('k1')))).toBe('ERR_NOT_KEYED_ENTRY');
    expect(codeOf(() => ring.deriveTenantMacKeys('t2').verify(framed, aad('k1')))).toBe('ERR_UNKNOWN_KEY_FINGERPRINT');
  });

  it('names the key of a frame (read from its header, nothing verified), and nothing for other bytes', () => {
    const keys = loadMasterKeyring(HEX).deriveTenantMacKeys('t1');
    const framed = keys.seal(Buffer.from('payload'), aad('k'));
    expect(macFrameFingerprint(framed)!.equals(keys.fingerprint())).toBe(true);
    expect(macFrameFingerprint(Buffer.from('payload'.repeat(10)))).toBeUndefined();
    expect(macFrameFingerprint(framed.subarray(0, MAC_FRAME_OVERHEAD - 1))).toBeUndefined();
  });

  it('verifies frames of a previous key, tells them apart, and never signs with them', () => {
    const before = loadMasterKeyring(OLD_HEX).deriveTenantMacKeys('t1');
    const after = loadMasterKeyring(HEX, [OLD_HEX]).deriveTenantMacKeys('t1');
    const old = before.seal(Buffer.from('old'), aad('k1'));
    expect(after.verify(old, aad('k1')).toString()).toBe('old');
    expect(after.signedWithPreviousKey(old)).toBe(true);
    expect(after.signedWithPreviousKey(after.seal(Buffer.from('new'), aad('k1')))).toBe(false);
    expect(after.fingerprints()[1]).toEqual(before.fingerprints()[0]);
  });
});
