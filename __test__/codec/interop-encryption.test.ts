/**
 * test-vectors/interop-mode.json `aad_vectors` and `encryption_vectors`: the interop AAD is
 * v0x03 over (tenant, key, "msgpack", "False"); the published ciphertext decrypts under the
 * HKDF key to the plain MessagePack value, both with the raw primitives and through the
 * interop value codec; re-sealing with the fixed nonce is left to the native suite (the
 * binding picks its own nonces).
 */
import { describe, expect, it } from 'vitest';
import { DecryptionError } from '../../src/errors';
import { aadOf } from '../../src/encryption/aad-memo';
import { createTenantKeysEncryptor } from '../../src/encryption/tenant-keys-encryptor';
import { createInteropValueCodec } from '../../src/codec/interop-value';
import { decryptAesGcm, deriveDomainKey, keyFingerprint } from '../../src/native';
import { interopKey } from '../../src/keys/interop-key';
import { hex, loadVectors } from '../support/vectors';

interface AadRow {
  name: string;
  tenant_id: string;
  cache_key: string;
  format: string;
  compressed: boolean;
  aad_hex: string;
}
interface EncryptionRow extends AadRow {
  master_key_hex: string;
  derived_key_fingerprint_hex: string;
  plaintext_hex: string;
  ciphertext_hex: string;
}
const file = loadVectors<{ aad_vectors: AadRow[]; encryption_vectors: EncryptionRow[] }>('interop-mode.json');

describe('interop-mode.json AAD vectors', () => {
  it.each(file.aad_vectors.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const aad = aadOf({ tenant: row.tenant_id, key: row.cache_key }, { format: row.format, compressed: row.compressed });
    expect(aad.toString('hex')).toBe(row.aad_hex);
  });
});

describe('interop-mode.json encryption vectors', () => {
  const row = file.encryption_vectors[0]!;

  it('has one row, keyed by the interop key of users:get_user(42)', () => {
    expect(file.encryption_vectors).toHaveLength(1);
    expect(interopKey('users', 'get_user', [42])).toBe(row.cache_key);
  });

  it('decrypts with the raw primitives to the plain MessagePack value', () => {
    const key = deriveDomainKey(hex(row.master_key_hex), 'encryption', Buffer.from(row.tenant_id, 'utf8'));
    expect(keyFingerprint(key).toString('hex')).toBe(row.derived_key_fingerprint_hex);
    expect(decryptAesGcm(hex(row.ciphertext_hex), key, hex(row.aad_hex)).toString('hex')).toBe(row.plaintext_hex);
  });

  it('decrypts through the interop value codec, and refuses it under another key', () => {
    const codec = createInteropValueCodec({ encryption: createTenantKeysEncryptor({ masterKey: hex(row.master_key_hex) }) });
    const context = { key: row.cache_key, tenant: row.tenant_id };
    expect(codec.decode(hex(row.ciphertext_hex), context)).toEqual({ name: 'alice', age: 30 });
    expect(() => codec.decode(hex(row.ciphertext_hex), { ...context, key: 'users:get_user:other' })).toThrow(DecryptionError);
  });

  it('writes what it reads: its own ciphertext decrypts with the raw primitives', () => {
    const codec = createInteropValueCodec({ encryption: createTenantKeysEncryptor({ masterKey: hex(row.master_key_hex) }) });
    const stored = codec.encode({ name: 'alice', age: 30 }, { key: row.cache_key, tenant: row.tenant_id });
    const key = deriveDomainKey(hex(row.master_key_hex), 'encryption', Buffer.from(row.tenant_id, 'utf8'));
    expect(decryptAesGcm(stored, key, hex(row.aad_hex)).toString('hex')).toBe(row.plaintext_hex);
  });
});
