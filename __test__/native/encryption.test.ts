/**
 * test-vectors/encryption.json through the binding: fingerprints, AAD bytes, every
 * ciphertext decrypts, every AAD-reject row fails authentication, keyring rows select their
 * key by fingerprint, keyring configurations and raw master keys get their verdict.
 */
import { describe, expect, it } from 'vitest';
import {
  createAad,
  decryptAesGcm,
  deriveDomainKey,
  deriveTenantKeys,
  encryptAesGcm,
  keyFingerprint,
} from '../../src/native';
import { hex, loadVectors } from '../support/vectors';
import { codeOf } from '../support/thrown';

interface SealedRow {
  name: string;
  cache_key: string;
  format: string;
  compressed: boolean;
  original_type?: string;
  aad_hex: string;
  ciphertext_hex: string;
  plaintext_hex?: string;
}

interface Encryption {
  master_key_hex: string;
  tenant_id: string;
  derived_key_fingerprint_hex: string;
  vectors: SealedRow[];
  aad_reject_vectors: SealedRow[];
  decrypted_container: { vectors: SealedRow[] };
  default_tenant: { tenant_id: string; derived_key_fingerprint_hex: string; vectors: SealedRow[] };
  keyring: {
    tenant_id: string;
    entries: Array<{ id: string; master_key_hex: string; derived_key_fingerprint_hex: string }>;
    vectors: Array<SealedRow & { key_fingerprint_hex: string }>;
    configuration: {
      vectors: Array<{
        name: string;
        current_master_key_hex: string;
        decrypt_only_master_keys_hex: string[];
        verdict: 'accept' | 'reject';
      }>;
    };
  };
  master_key_input: {
    tenant_id: string;
    accept_vectors: Array<SealedRow & { master_key_hex: string; derived_key_fingerprint_hex: string }>;
    raw_reject_vectors: Array<{ name: string; raw_key_hex: string }>;
  };
}

const vectors = loadVectors<Encryption>('encryption.json');
const master = hex(vectors.master_key_hex);
const tenantId = vectors.tenant_id;

function aadOf(row: SealedRow, tenant: string): Buffer {
  return createAad({
    tenantId: tenant,
    cacheKey: row.cache_key,
    format: row.format,
    compressed: row.compressed,
    ...(row.original_type === undefined ? {} : { originalType: row.original_type }),
  });
}

describe('encryption vectors through the binding', () => {
  it('derives the pinned encryption-key fingerprints', () => {
    const key = deriveDomainKey(master, 'encryption', Buffer.from(tenantId));
    expect(keyFingerprint(key).toString('hex')).toBe(vectors.derived_key_fingerprint_hex);
    expect(deriveTenantKeys(master, tenantId).fingerprint().toString('hex')).toBe(vectors.derived_key_fingerprint_hex);
    expect(deriveTenantKeys(master, vectors.default_tenant.tenant_id).fingerprint().toString('hex')).toBe(
      vectors.default_tenant.derived_key_fingerprint_hex,
    );
  });

  it.each(vectors.vectors.map((row) => [row.name, row] as const))(
    '%s: AAD bytes match and the ciphertext decrypts to the plaintext',
    (_name, row) => {
      const aad = aadOf(row, tenantId);
      expect(aad.toString('hex')).toBe(row.aad_hex);
      const key = deriveDomainKey(master, 'encryption', Buffer.from(tenantId));
      const ciphertext = hex(row.ciphertext_hex);
      expect(decryptAesGcm(ciphertext, key, aad).toString('hex')).toBe(row.plaintext_hex);
      expect(deriveTenantKeys(master, tenantId).decrypt(ciphertext, aad).toString('hex')).toBe(row.plaintext_hex);
    },
  );

  it.each(vectors.aad_reject_vectors.map((row) => [row.name, row] as const))(
    '%s fails authentication',
    (_name, row) => {
      const aad = aadOf(row, tenantId);
      expect(aad.toString('hex')).toBe(row.aad_hex);
      const keys = deriveTenantKeys(master, tenantId);
      expect(codeOf(() => keys.decrypt(hex(row.ciphertext_hex), aad))).toBe('ERR_AUTHENTICATION_FAILED');
    },
  );

  it('decrypted-container and default-tenant rows decrypt to their plaintext', () => {
    const keys = deriveTenantKeys(master, tenantId);
    for (const row of vectors.decrypted_container.vectors) {
      expect(keys.decrypt(hex(row.ciphertext_hex), aadOf(row, tenantId)).toString('hex')).toBe(row.plaintext_hex);
    }
    const defaults = deriveTenantKeys(master, 'default');
    for (const row of vectors.default_tenant.vectors) {
      expect(aadOf(row, 'default').toString('hex')).toBe(row.aad_hex);
      expect(defaults.decrypt(hex(row.ciphertext_hex), hex(row.aad_hex)).toString('hex')).toBe(row.plaintext_hex);
    }
  });

  it('keyring rows decrypt through the key their fingerprint selects', () => {
    const { keyring } = vectors;
    const entry = (id: string) => keyring.entries.find((candidate) => candidate.id === id)!;
    const keys = deriveTenantKeys(hex(entry('k2').master_key_hex), keyring.tenant_id, {
      previousMasterKeys: [hex(entry('k1').master_key_hex)],
    });
    expect(keys.fingerprints().map((fingerprint) => fingerprint.toString('hex'))).toEqual([
      entry('k2').derived_key_fingerprint_hex,
      entry('k1').derived_key_fingerprint_hex,
    ]);
    for (const row of keyring.vectors) {
      const plaintext = keys.decryptWith(hex(row.key_fingerprint_hex), hex(row.ciphertext_hex), hex(row.aad_hex));
      expect(plaintext.toString('hex')).toBe(row.plaintext_hex);
    }
    expect(codeOf(() => keys.decryptWith(Buffer.alloc(16), hex(keyring.vectors[0]!.ciphertext_hex), Buffer.alloc(0)))).toBe(
      'ERR_UNKNOWN_KEY_FINGERPRINT',
    );
  });

  it.each(vectors.keyring.configuration.vectors.map((row) => [row.name, row] as const))(
    'keyring configuration %s gets its verdict',
    (_name, row) => {
      const load = () =>
        deriveTenantKeys(hex(row.current_master_key_hex), 'keyring-conformance', {
          previousMasterKeys: row.decrypt_only_master_keys_hex.map(hex),
        });
      if (row.verdict === 'accept') {
        expect(load().fingerprints()).toHaveLength(1 + row.decrypt_only_master_keys_hex.length);
      } else {
        expect(['ERR_TOO_MANY_PREVIOUS_KEYS', 'ERR_DUPLICATE_MASTER_KEY']).toContain(codeOf(load));
      }
    },
  );

  it('master-key accept rows give their fingerprint and decrypt', () => {
    const section = vectors.master_key_input;
    for (const row of section.accept_vectors) {
      const keys = deriveTenantKeys(hex(row.master_key_hex), section.tenant_id);
      expect(keys.fingerprint().toString('hex')).toBe(row.derived_key_fingerprint_hex);
      expect(aadOf(row, section.tenant_id).toString('hex')).toBe(row.aad_hex);
      expect(keys.decrypt(hex(row.ciphertext_hex), hex(row.aad_hex)).toString('hex')).toBe(row.plaintext_hex);
    }
  });

  it.each(vectors.master_key_input.raw_reject_vectors.map((row) => [row.name, row] as const))(
    'raw master key %s is refused by every raw-bytes entry point',
    (_name, row) => {
      const raw = hex(row.raw_key_hex);
      expect(codeOf(() => deriveTenantKeys(raw, 'default'))).toBe('ERR_INVALID_KEY_LENGTH');
      expect(codeOf(() => deriveDomainKey(raw, 'encryption', Buffer.from('default')))).toBe('ERR_INVALID_KEY_LENGTH');
      expect(codeOf(() => encryptAesGcm(Buffer.from('x'), raw, Buffer.alloc(0)))).toBe('ERR_INVALID_KEY_LENGTH');
    },
  );

  it('the interop-mode encryption row re-decrypts and its AAD rebuilds', () => {
    const interop = loadVectors<{
      aad_vectors: Array<{ tenant_id: string; cache_key: string; aad_hex: string }>;
      encryption_vectors: Array<{ master_key_hex: string; tenant_id: string; aad_hex: string; ciphertext_hex: string; plaintext_hex: string }>;
    }>('interop-mode.json');
    for (const row of interop.aad_vectors) {
      const aad = createAad({ tenantId: row.tenant_id, cacheKey: row.cache_key, format: 'msgpack', compressed: false });
      expect(aad.toString('hex')).toBe(row.aad_hex);
    }
    for (const row of interop.encryption_vectors) {
      const keys = deriveTenantKeys(hex(row.master_key_hex), row.tenant_id);
      expect(keys.decrypt(hex(row.ciphertext_hex), hex(row.aad_hex)).toString('hex')).toBe(row.plaintext_hex);
    }
  });
});
