/** TenantKeys and the stateless crypto entry points through the binding. */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createAad,
  decryptAesGcm,
  deriveDomainKey,
  deriveTenantKeys,
  encryptAesGcm,
  isNativeError,
  TenantKeys,
  type AeadAlgorithm,
} from '../../src/native';
import { codeOf } from '../support/thrown';

const master = Buffer.alloc(32, 0x5a);
const aad = createAad({ tenantId: 't1', cacheKey: 'ns:key', format: 'msgpack', compressed: true });

describe('TenantKeys', () => {
  it.each<AeadAlgorithm>(['aes-256-gcm', 'chacha20-poly1305'])('round-trips with %s and refuses a flipped bit', (algorithm) => {
    const keys = deriveTenantKeys(master, 't1');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.nat(), (plaintext, at) => {
        const ciphertext = keys.encrypt(plaintext, aad, algorithm);
        expect(ciphertext.length).toBe(plaintext.length + 28);
        expect(keys.decrypt(ciphertext, aad, algorithm).equals(plaintext)).toBe(true);
        const flipped = Buffer.from(ciphertext);
        const bit = at % (flipped.length * 8);
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        expect(codeOf(() => keys.decrypt(flipped, aad, algorithm))).toBe('ERR_AUTHENTICATION_FAILED');
      }),
      { numRuns: 200 },
    );
  });

  it('refuses an all-zero master key, current or previous (ERR_WEAK_MASTER_KEY)', () => {
    expect(codeOf(() => deriveTenantKeys(Buffer.alloc(32), 't1'))).toBe('ERR_WEAK_MASTER_KEY');
    expect(codeOf(() => deriveTenantKeys(master, 't1', { previousMasterKeys: [Buffer.alloc(32)] }))).toBe('ERR_WEAK_MASTER_KEY');
  });

  it('defaults to AES-256-GCM, which the low-level AES entry point decrypts', () => {
    const keys = deriveTenantKeys(master, 't1');
    const ciphertext = keys.encrypt(Buffer.from('payload'), aad);
    const key = deriveDomainKey(master, 'encryption', Buffer.from('t1'));
    expect(decryptAesGcm(ciphertext, key, aad).toString()).toBe('payload');
    expect(keys.decrypt(encryptAesGcm(Buffer.from('back'), key, aad), aad).toString()).toBe('back');
    expect(codeOf(() => keys.decrypt(ciphertext, aad, 'chacha20-poly1305'))).toBe('ERR_AUTHENTICATION_FAILED');
  });

  it('binds ciphertexts to the tenant: another tenant cannot decrypt', () => {
    const ciphertext = deriveTenantKeys(master, 't1').encrypt(Buffer.from('secret'), aad);
    expect(codeOf(() => deriveTenantKeys(master, 't2').decrypt(ciphertext, aad))).toBe('ERR_AUTHENTICATION_FAILED');
  });

  it('uses a fresh nonce for every encryption', () => {
    const keys = deriveTenantKeys(master, 't1');
    const nonces = new Set<string>();
    for (let index = 0; index < 10_000; index += 1) nonces.add(keys.encrypt(new Uint8Array(), aad).subarray(0, 12).toString('hex'));
    expect(nonces.size).toBe(10_000);
  });

  it('lists fingerprints current first and decrypts old entries only through their fingerprint', () => {
    const old = Buffer.alloc(32, 0x01);
    const before = deriveTenantKeys(old, 't1');
    const ciphertext = before.encrypt(Buffer.from('old entry'), aad);
    const rotated = deriveTenantKeys(master, 't1', { previousMasterKeys: [old] });
    const [current, previous] = rotated.fingerprints();
    expect(current!.equals(rotated.fingerprint())).toBe(true);
    expect(previous!.equals(before.fingerprint())).toBe(true);
    expect(rotated.decryptWith(previous!, ciphertext, aad).toString()).toBe('old entry');
    expect(codeOf(() => rotated.decrypt(ciphertext, aad))).toBe('ERR_AUTHENTICATION_FAILED');
    expect(codeOf(() => rotated.decryptWith(current!, ciphertext, aad))).toBe('ERR_AUTHENTICATION_FAILED');
    expect(codeOf(() => rotated.decryptWith(Buffer.alloc(16, 9), ciphertext, aad))).toBe('ERR_UNKNOWN_KEY_FINGERPRINT');
  });

  it('refuses bad keyrings with clear codes', () => {
    const key = (fill: number) => Buffer.alloc(32, fill);
    expect(codeOf(() => deriveTenantKeys(master, 't', { previousMasterKeys: [key(1), key(2), key(3), key(4)] }))).toBe(
      'ERR_TOO_MANY_PREVIOUS_KEYS',
    );
    expect(codeOf(() => deriveTenantKeys(master, 't', { previousMasterKeys: [key(1), key(1)] }))).toBe('ERR_DUPLICATE_MASTER_KEY');
    expect(codeOf(() => deriveTenantKeys(master, 't', { previousMasterKeys: [master] }))).toBe('ERR_DUPLICATE_MASTER_KEY');
    expect(codeOf(() => deriveTenantKeys(master, 't', { previousMasterKeys: [Buffer.alloc(16)] }))).toBe('ERR_INVALID_KEY_LENGTH');
    expect(codeOf(() => deriveTenantKeys(master, ''))).toBe('ERR_INVALID_TENANT_SALT');
    expect(codeOf(() => deriveTenantKeys(master, 'x'.repeat(1025)))).toBe('ERR_INVALID_TENANT_SALT');
    expect(codeOf(() => deriveDomainKey(master, '', Buffer.from('t')))).toBe('ERR_INVALID_DOMAIN');
  });

  it('never shows key material through JSON, inspection or own properties', () => {
    const keys = deriveTenantKeys(master, 'tenant-a');
    const fingerprint = keys.fingerprint().toString('hex');
    const key = deriveDomainKey(master, 'encryption', Buffer.from('tenant-a')).toString('hex');
    const json = JSON.stringify(keys);
    expect(JSON.parse(json)).toEqual({ tenantId: 'tenant-a', fingerprint, previousKeys: 0 });
    const shown = inspect(keys, { showHidden: true, depth: 5 });
    expect(shown).toContain(fingerprint);
    for (const text of [json, shown]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(master.toString('hex'));
    }
    expect(Object.keys(keys)).toEqual([]);
    expect(keys).toBeInstanceOf(TenantKeys);
    expect(() => new (TenantKeys as unknown as new () => unknown)()).toThrow();
  });

  it('reports bad arguments with codes', () => {
    const keys = deriveTenantKeys(master, 't1');
    expect(codeOf(() => keys.decrypt(Buffer.alloc(27), aad))).toBe('ERR_CIPHERTEXT_TOO_SHORT');
    expect(codeOf(() => keys.encrypt(Buffer.alloc(1), aad, 'rot13' as AeadAlgorithm))).toBe('ERR_UNKNOWN_ALGORITHM');
    expect(codeOf(() => encryptAesGcm(Buffer.alloc(1), Buffer.alloc(31), aad))).toBe('ERR_INVALID_KEY_LENGTH');
    expect(codeOf(() => createAad({ tenantId: '', cacheKey: 'k', format: 'msgpack', compressed: false }))).toBe('ERR_INVALID_AAD');
    expect(isNativeError(Object.assign(new Error('x'), { code: 'ERR_AUTHENTICATION_FAILED' }))).toBe(true);
    expect(isNativeError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(false);
  });

  it('omits an empty original type from the AAD, as cachekit-py does', () => {
    const base = { tenantId: 't', cacheKey: 'k', format: 'msgpack', compressed: false };
    expect(createAad({ ...base, originalType: '' }).equals(createAad(base))).toBe(true);
    expect(createAad({ ...base, originalType: 'msgpack' }).length).toBe(createAad(base).length + 4 + 7);
  });
});

describe('argument checks', () => {
  it('names the argument and the expected type instead of an N-API conversion error', async () => {
    const { ByteStorage, blake2b256Hex, deriveTenantKeys: derive } = await import('../../src/native');
    const storage = new ByteStorage();
    const cases: Array<[() => unknown, RegExp]> = [
      [() => storage.store('text' as unknown as Uint8Array), /data must be a Uint8Array or Buffer, got string/],
      [() => storage.retrieve(null as unknown as Uint8Array), /envelope must be a Uint8Array or Buffer, got null/],
      [() => blake2b256Hex([1, 2] as unknown as Uint8Array), /data must be a Uint8Array or Buffer, got an array/],
      [() => derive(master, 5 as unknown as string), /tenantId must be a string, got number/],
      [() => derive(master, 't', { previousMasterKeys: ['k' as unknown as Uint8Array] }), /previousMasterKeys\[0\]/],
      [() => createAad({ tenantId: 't', cacheKey: 'k', format: 'msgpack' } as unknown as Parameters<typeof createAad>[0]), /compressed must be a boolean/],
    ];
    for (const [call, message] of cases) {
      let error: (Error & { code?: string }) | undefined;
      try {
        call();
      } catch (caught) {
        error = caught as Error & { code?: string };
      }
      expect(error?.code).toBe('ERR_INVALID_ARGUMENT');
      expect(error?.message).toMatch(message);
    }
  });
});
