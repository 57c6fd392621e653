/**
 * encryption.json `master_key_input` and `keyring.configuration`: the hex entry point accepts
 * exactly the accept rows (deriving the pinned fingerprint and decrypting the sealed entry),
 * refuses every reject row, and keyrings load or are refused as the vectors say.
 */
import { describe, expect, it } from 'vitest';
import { resolveEncryption } from '../../src/encryption/encryption-options';
import { loadConfiguredKeyring } from '../../src/encryption/master-key';
import { ConfigurationError } from '../../src/errors';
import { createAad } from '../../src/native';
import { hex, loadVectors } from '../support/vectors';

const SOURCES = { current: 'test key', previous: 'test previous keys' };
const load = (key: unknown) => loadConfiguredKeyring(key, undefined, SOURCES);

interface AcceptRow {
  name: string;
  master_key_hex: string;
  derived_key_fingerprint_hex: string;
  plaintext_hex: string;
  cache_key: string;
  ciphertext_hex: string;
}
const file = loadVectors<{
  master_key_input: { accept_vectors: AcceptRow[]; reject_vectors: Array<{ name: string; master_key_hex: string }>; raw_reject_vectors: Array<{ name: string; raw_key_hex: string }> };
  keyring: { configuration: { vectors: Array<{ name: string; current_master_key_hex: string; decrypt_only_master_keys_hex: string[]; verdict: 'accept' | 'reject' }> } };
}>('encryption.json');

describe('master_key_input', () => {
  it.each(file.master_key_input.accept_vectors.map((r) => [r.name, r] as const))('accepts %s, derives its fingerprint and decrypts its entry', (_n, row) => {
    const keys = load(row.master_key_hex).deriveTenantKeys('default');
    expect(keys.fingerprint().toString('hex')).toBe(row.derived_key_fingerprint_hex);
    const aad = createAad({ tenantId: 'default', cacheKey: row.cache_key, format: 'msgpack', compressed: false });
    expect(keys.decrypt(hex(row.ciphertext_hex), aad).toString('hex')).toBe(row.plaintext_hex);
    expect(() => resolveEncryption({ masterKey: row.master_key_hex }, true, {})).not.toThrow();
  });

  it.each(file.master_key_input.reject_vectors.map((r) => [r.name, r] as const))('refuses %s', (_n, row) => {
    expect(() => load(row.master_key_hex)).toThrow(ConfigurationError);
    expect(() => resolveEncryption({ masterKey: row.master_key_hex }, true, {})).toThrow(ConfigurationError);
  });

  it.each(file.master_key_input.raw_reject_vectors.map((r) => [r.name, r] as const))('refuses raw %s', (_n, row) => {
    expect(() => load(hex(row.raw_key_hex))).toThrow(ConfigurationError);
  });
});

describe('keyring configuration', () => {
  it.each(file.keyring.configuration.vectors.map((r) => [r.name, r] as const))('%s', (_n, row) => {
    const load = () =>
      resolveEncryption({ masterKey: row.current_master_key_hex, previousMasterKeys: row.decrypt_only_master_keys_hex }, true, {});
    if (row.verdict === 'accept') expect(load).not.toThrow();
    else expect(load).toThrow(ConfigurationError);
    const fromEnv = () =>
      resolveEncryption(undefined, true, {
        CACHEKIT_MASTER_KEY: row.current_master_key_hex,
        CACHEKIT_PREVIOUS_MASTER_KEYS: row.decrypt_only_master_keys_hex.join(','),
      });
    if (row.verdict === 'accept') expect(fromEnv).not.toThrow();
    else expect(fromEnv).toThrow(ConfigurationError);
  });
});
