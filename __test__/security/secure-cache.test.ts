import { describe, expect, it } from 'vitest';
import { cache } from '../../src/cache';
import { MemoryBackend } from '../../src/backends/memory';
import { ConfigurationError } from '../../src/errors';
import { runWithTenant } from '../../src/tenancy/tenant-context';
import { TenantError } from '../../src/tenancy/tenant-option';
import { RecordingBackend } from '../support/recording-backend';
import { functionKey, tenantScopedKey } from '../../src/keys';
import { sharedL1 } from '../../src/cache/l1-tier';

const KEY_A = 'a1'.repeat(32);
const SECRET = 'plaintext-marker-7f3a';

let counter = 0;
const unique = (label: string) => `${label}_${++counter}`;

function silentLogger(lines: string[] = []) {
  const record = (fields: Record<string, unknown>, message: string) => void lines.push(`${message} ${JSON.stringify(fields)}`);
  return { trace: record, debug: record, info: record, warn: record, error: record };
}

/** Every value the backend holds, as one buffer per key. */
async function storedValues(backend: RecordingBackend): Promise<Buffer[]> {
  const values: Buffer[] = [];
  for (const write of backend.writes) {
    const value = await backend.get(write.key);
    if (value !== null) values.push(value);
  }
  return values;
}

describe('cache.secure configuration', () => {
  it('refuses to start without a master key (never stores plaintext)', () => {
    expect(() => cache.secure(async function noKey() {}, { tenant: 'single', backend: null })).toThrow(/master key/);
  });

  it('requires an explicit tenant mode', () => {
    expect(() => cache.secure(async function noTenant() {}, { encryption: { masterKey: KEY_A }, backend: null })).toThrow(
      /explicit tenant mode/,
    );
  });

  it('rejects malformed keys without echoing them', () => {
    const bad = `${KEY_A.slice(0, 62)}zz`;
    for (const masterKey of [bad, KEY_A.slice(0, 62), `0x${KEY_A}`, ` ${KEY_A}`]) {
      try {
        cache.secure(async function badKey() {}, { encryption: { masterKey }, tenant: 'single', backend: null });
        throw new Error('accepted a bad key');
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigurationError);
        expect((error as Error).message).not.toContain(masterKey.trim().slice(0, 16));
      }
    }
  });

  it('rejects more than three previous keys, and the current key among them', () => {
    const prev = ['11', '22', '33', '44'].map((b) => b.repeat(32));
    expect(() => cache.secure(async function many() {}, { encryption: { masterKey: KEY_A, previousMasterKeys: prev }, tenant: 'single', backend: null })).toThrow(/at most 3/);
    expect(() =>
      cache.secure(async function same() {}, { encryption: { masterKey: KEY_A, previousMasterKeys: [KEY_A.toUpperCase()] }, tenant: 'single', backend: null }),
    ).toThrow(/repeats the current master key/);
  });

  it('refuses an all-zero master key wherever it comes from, naming the source and the fix', () => {
    const zeroHex = '00'.repeat(32);
    const refusal = (encryption: Record<string, unknown>) => () =>
      cache.secure(async function zeroKey() {}, { encryption, tenant: 'single', backend: null });
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ masterKey: zeroHex }, /Option `encryption.masterKey` is all zero bytes.*openssl rand -hex 32/],
      [{ masterKey: Buffer.alloc(32) }, /Option `encryption.masterKey` is all zero bytes/],
      [{ masterKey: KEY_A, previousMasterKeys: [zeroHex] }, /Option `encryption.previousMasterKeys`\[0\] is all zero bytes/],
    ];
    for (const [encryption, message] of cases) {
      expect(refusal(encryption)).toThrow(ConfigurationError);
      expect(refusal(encryption)).toThrow(message);
    }
    process.env.CACHEKIT_MASTER_KEY = zeroHex;
    try {
      expect(refusal({})).toThrow(/CACHEKIT_MASTER_KEY is all zero bytes.*openssl rand -hex 32/);
    } finally {
      delete process.env.CACHEKIT_MASTER_KEY;
    }
  });

  it('reads CACHEKIT_MASTER_KEY and CACHEKIT_ENCRYPTION_FAIL_CLOSED from the environment', async () => {
    process.env.CACHEKIT_MASTER_KEY = KEY_A;
    process.env.CACHEKIT_ENCRYPTION_FAIL_CLOSED = 'true';
    try {
      const backend = new MemoryBackend();
      const f = cache.secure(async (n: number) => ({ n }), { tenant: 'single', backend, name: unique('envkey') });
      expect(await f(1)).toEqual({ n: 1 });
      await f.flush();
      expect(await f(1)).toEqual({ n: 1 });
    } finally {
      delete process.env.CACHEKIT_MASTER_KEY;
      delete process.env.CACHEKIT_ENCRYPTION_FAIL_CLOSED;
    }
  });
});

describe('zero-knowledge storage', () => {
  it('keeps only ciphertext in the backend and in L1', async () => {
    const backend = new RecordingBackend();
    const name = unique('zk');
    const f = cache.secure(async (id: number) => ({ id, secret: SECRET }), {
      encryption: { masterKey: KEY_A },
      tenant: 'single',
      backend,
      name,
      module: 'zk',
    });
    expect(await f(1)).toEqual({ id: 1, secret: SECRET });
    await f.flush();
    const values = await storedValues(backend);
    expect(values.length).toBe(1);
    for (const value of values) {
      expect(value.includes(Buffer.from(SECRET))).toBe(false);
      expect(value.subarray(0, 3).toString()).toBe('ckn');
    }
    const inL1 = sharedL1().peek(tenantScopedKey('default', functionKey({ module: 'zk', name, args: [1] })))?.value;
    expect(Buffer.isBuffer(inL1)).toBe(true);
    expect((inL1 as Buffer).subarray(0, 3).toString()).toBe('ckn');
    expect((inL1 as Buffer).includes(Buffer.from(SECRET))).toBe(false);
    // An L1 hit decrypts the sealed copy.
    expect(await f(1)).toEqual({ id: 1, secret: SECRET });
    expect(f.cacheInfo().l1Hits).toBe(1);
  });

  it.each(['aes-256-gcm', 'chacha20-poly1305'] as const)('round-trips through L2 with %s', async (algorithm) => {
    const backend = new MemoryBackend();
    const name = unique(`alg_${algorithm.replace(/-/g, '')}`);
    const load = async (id: number) => ({ id, secret: SECRET });
    const make = () => cache.secure(load, { encryption: { masterKey: KEY_A, algorithm }, tenant: 'single', backend, name, l1: false });
    const writer = make();
    await writer(5);
    await writer.flush();
    const reader = make();
    expect(await reader(5)).toEqual({ id: 5, secret: SECRET });
    expect(reader.cacheInfo().l2Hits).toBe(1);
  });
});

describe('tenant isolation', () => {
  it('two tenants calling with the same arguments never see each other’s values (L1 and L2)', async () => {
    const backend = new MemoryBackend();
    const perTenant = cache.secure(
      async function who(id: number, tenant: string) {
        return { id, tenant };
      },
      { encryption: { masterKey: KEY_A }, tenant: (_id: number, tenant: string) => tenant, backend, name: unique('iso2') },
    );
    expect(await perTenant(1, 'acme')).toEqual({ id: 1, tenant: 'acme' });
    expect(await perTenant(1, 'globex')).toEqual({ id: 1, tenant: 'globex' });
    expect(await perTenant(1, 'acme')).toEqual({ id: 1, tenant: 'acme' }); // L1 hit, acme's own
    expect(await perTenant(1, 'globex')).toEqual({ id: 1, tenant: 'globex' });
    expect(perTenant.cacheInfo()).toMatchObject({ misses: 2, l1Hits: 2 });
  });

  it("'context' mode reads the tenant of runWithTenant(), and a call outside one is an error", async () => {
    const backend = new MemoryBackend();
    let runs = 0;
    const f = cache.secure(async (id: number) => ({ id, run: ++runs }), {
      encryption: { masterKey: KEY_A },
      tenant: 'context',
      backend,
      name: unique('ctx'),
    });
    const acme = await runWithTenant('acme', () => f(1));
    const globex = await runWithTenant('globex', () => f(1));
    expect(acme.run).not.toBe(globex.run);
    expect((await runWithTenant('acme', () => f(1))).run).toBe(acme.run);
    await expect(f(1)).rejects.toBeInstanceOf(TenantError);
  });

  it('cacheClear() of one tenant leaves the others', async () => {
    const backend = new MemoryBackend();
    let runs = 0;
    const f = cache(async (id: number) => ({ id, run: ++runs }), { tenant: 'context', backend, name: unique('clear') });
    await runWithTenant('a', () => f(1));
    await runWithTenant('b', () => f(1));
    await f.flush();
    await f.cacheClear({ tenant: 'a' });
    expect((await runWithTenant('b', () => f(1))).run).toBe(2); // still cached
    expect((await runWithTenant('a', () => f(1))).run).toBe(3); // recomputed
    await expect(f.cacheClear()).rejects.toBeInstanceOf(TenantError);
  });

  it('a ciphertext copied to another tenant or another key never decrypts into a value', async () => {
    const backend = new MemoryBackend();
    const lines: string[] = [];
    const name = unique('swap');
    // Both wrappers run this one function; once `fresh` is set, a recomputed value says so.
    let fresh = false;
    const compute = async (id: number, tenant: string) => (fresh ? { id, tenant, fresh } : { id, tenant });
    const f = cache.secure(compute, {
      encryption: { masterKey: KEY_A },
      tenant: (_id: number, tenant: string) => tenant,
      backend,
      l1: false,
      logger: silentLogger(lines),
      name,
      module: 'swap',
    });
    const stored = (tenant: string, args: unknown[]) =>
      tenantScopedKey(tenant, functionKey({ module: 'swap', name, args, integrity: true, serializer: 'standard' }));
    await f(1, 'acme');
    await f(2, 'acme');
    await f.flush();
    const stolen = await backend.get(stored('acme', [1, 'acme']));
    expect(stolen).not.toBeNull();
    // Same arguments, other tenant: plant acme's ciphertext where globex's entry would be.
    await backend.set(stored('globex', [1, 'acme']), stolen!);
    // Same tenant, other key: entry 1's ciphertext under entry 2's key.
    await backend.set(stored('acme', [2, 'acme']), stolen!);
    fresh = true;
    const globexReader = cache.secure(compute, {
      encryption: { masterKey: KEY_A },
      tenant: () => 'globex',
      backend,
      l1: false,
      logger: silentLogger(lines),
      name,
      module: 'swap',
    });
    expect(await globexReader(1, 'acme')).toEqual({ id: 1, tenant: 'acme', fresh: true });
    expect(await f(2, 'acme')).toEqual({ id: 2, tenant: 'acme', fresh: true });
    expect(globexReader.getHealthStatus().counters.integrityErrors).toBe(1);
    expect(f.getHealthStatus().counters.integrityErrors).toBe(1);
    expect(lines.join('\n')).not.toContain(KEY_A);
  });
});

describe('master key in the environment without a stated choice', () => {
  it('refuses to build a cache that does not say whether to encrypt; encryption: false or {} decide', async () => {
    process.env.CACHEKIT_MASTER_KEY = KEY_A;
    try {
      expect(() => cache(async function undecided() {}, { backend: null })).toThrow(/refuses to guess/);
      expect(() => cache(async function plainOnPurpose() {}, { backend: null, encryption: false })).not.toThrow();
      const backend = new RecordingBackend();
      const f = cache(async (n: number) => ({ n, secret: SECRET }), { backend, encryption: {}, tenant: 'single', name: unique('envenc') });
      await f(1);
      await f.flush();
      expect((await storedValues(backend))[0]!.includes(Buffer.from(SECRET))).toBe(false);
    } finally {
      delete process.env.CACHEKIT_MASTER_KEY;
    }
  });
});

describe('interop values outside the protocol data model', () => {
  it('NaN and Infinity results are returned but never stored', async () => {
    const backend = new RecordingBackend();
    const noop = () => {};
    const f = cache(async (n: number) => (n === 0 ? Number.NaN : Number.POSITIVE_INFINITY), {
      interop: 'ratio',
      namespace: 'math',
      backend,
      logger: { trace: noop, debug: noop, info: noop, warn: noop, error: noop },
    });
    expect(await f(0)).toBeNaN();
    expect(await f(1)).toBe(Number.POSITIVE_INFINITY);
    await f.flush();
    expect(backend.writes).toEqual([]);
    expect(f.getHealthStatus().counters.encodeErrors).toBe(2);
  });
});
