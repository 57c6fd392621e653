/**
 * Interop mode through the public `cache(fn, { interop })` API: protocol keys, plain MessagePack
 * values under the bare key, and encrypted entries other SDKs wrote (the official vectors,
 * planted in a backend) read back.
 */
import { describe, expect, it } from 'vitest';
import { cache } from '../../src/cache';
import { MemoryBackend } from '../../src/backends/memory';
import { ConfigurationError } from '../../src/errors';
import { hex, loadVectors } from '../support/vectors';
import { fromTagged } from '../keys/support/tagged-json';
import { RecordingBackend } from '../support/recording-backend';

interface KeyVector {
  name: string;
  namespace: string;
  operation: string;
  args: unknown[];
  expected_key: string;
}
interface ValueVector {
  name: string;
  value: unknown;
  canonical_msgpack_hex: string;
}
const interop = loadVectors<{ key_vectors: KeyVector[]; value_vectors: ValueVector[]; encryption_vectors: Array<Record<string, string>> }>(
  'interop-mode.json',
);
const encryption = loadVectors<{ master_key_hex: string; default_tenant: { vectors: Array<Record<string, string>> } }>('encryption.json');

describe('interop mode keys through cache()', () => {
  it.each(interop.key_vectors.map((row) => [row.name, row] as const))('%s: stored under the protocol key', async (_name, row) => {
    const backend = new RecordingBackend();
    const f = cache(async (...args: unknown[]) => args.length, { interop: row.operation, namespace: row.namespace, backend, l1: false });
    await f(...(fromTagged(row.args) as unknown[]));
    await f.flush();
    expect(backend.writes.map((w) => w.key)).toEqual([row.expected_key]);
  });
});

describe('interop mode values through cache()', () => {
  it.each(interop.value_vectors.map((row) => [row.name, row] as const))('%s: one plain MessagePack document', async (_name, row) => {
    const backend = new RecordingBackend();
    const value = fromTagged(row.value);
    const f = cache(async () => value, { interop: 'value_check', namespace: 'vectors', backend, l1: false });
    await f();
    await f.flush();
    expect((await backend.get(backend.writes[0]!.key))!.toString('hex')).toBe(row.canonical_msgpack_hex);
  });

  it('reads an entry another SDK wrote (plain) and returns its value', async () => {
    const backend = new MemoryBackend();
    const row = interop.value_vectors[0]!;
    const keyRow = interop.key_vectors.find((k) => k.name === 'single_int')!;
    await backend.set(keyRow.expected_key, hex(row.canonical_msgpack_hex));
    let runs = 0;
    const f = cache(async (_id: number) => {
      runs++;
      return null;
    }, { interop: keyRow.operation, namespace: keyRow.namespace, backend });
    expect(await f(...(fromTagged(keyRow.args) as [number]))).toEqual(fromTagged(row.value));
    expect(runs).toBe(0);
  });
});

describe('encrypted interop mode', () => {
  it("reads the protocol's default-tenant entry (no tenant configured → \"default\")", async () => {
    const backend = new MemoryBackend();
    const row = encryption.default_tenant.vectors[0]!;
    await backend.set(row.cache_key!, hex(row.ciphertext_hex!));
    let runs = 0;
    const getUser = cache(async (_id: number) => {
      runs++;
      return null;
    }, { interop: 'get_user', namespace: 'users', backend, encryption: { masterKey: encryption.master_key_hex } });
    expect(await getUser(42)).toEqual({ age: 30, name: 'alice' });
    expect(runs).toBe(0);
  });

  it("reads the interop encryption vector under its shared tenant { id: 'cross-sdk-test' }", async () => {
    const backend = new MemoryBackend();
    const row = interop.encryption_vectors[0]!;
    await backend.set(row.cache_key!, hex(row.ciphertext_hex!));
    const getUser = cache(async (_id: number) => null, {
      interop: 'get_user',
      namespace: 'users',
      backend,
      tenant: { id: row.tenant_id! },
      encryption: { masterKey: row.master_key_hex! },
    });
    expect(await getUser(42)).toEqual({ name: 'alice', age: 30 });
  });

  it('writes bare ciphertext (no frame) that decrypts back under the same settings only', async () => {
    const backend = new RecordingBackend();
    const options = { interop: 'get_user', namespace: 'users', backend, l1: false, encryption: { masterKey: encryption.master_key_hex } } as const;
    const writer = cache(async (id: number) => ({ id, name: 'bob' }), options);
    await writer(7);
    await writer.flush();
    const stored = (await backend.get(backend.writes[0]!.key))!;
    expect(stored.length).toBe(12 + 16 + 14); // nonce + tag + the 14-byte msgpack of {id: 7, name: "bob"}
    expect(stored.includes(Buffer.from('bob'))).toBe(false);
    let runs = 0;
    const reader = cache(async (_id: number) => {
      runs++;
      return null;
    }, options);
    expect(await reader(7)).toEqual({ id: 7, name: 'bob' });
    expect(runs).toBe(0);
    const noop = () => {};
    const quiet = { trace: noop, debug: noop, info: noop, warn: noop, error: noop };
    const otherTenant = cache(async (id: number) => ({ id, fresh: true }), {
      ...options,
      logger: quiet,
      tenant: { id: '123e4567-e89b-42d3-a456-426614174000' },
    });
    expect(await otherTenant(7)).toEqual({ id: 7, fresh: true });
  });

  it('refuses options that contradict interop mode', () => {
    const base = { interop: 'get_user', namespace: 'users', backend: null };
    expect(() => cache(async (n: number) => n, { ...base, namespace: undefined })).toThrow(ConfigurationError);
    expect(() => cache(async (n: number) => n, { ...base, namespace: 'Bad Namespace' })).toThrow(/namespace/);
    expect(() => cache(async (n: number) => n, { ...base, key: (n) => String(n) })).toThrow(/`key` cannot be combined/);
    expect(() => cache(async (n: number) => n, { ...base, serializer: 'json' })).toThrow(/`serializer` cannot be combined/);
    expect(() => cache(async (n: number) => n, { ...base, tenant: { id: 'x' } })).toThrow(/no effect on unencrypted interop/);
  });
});
