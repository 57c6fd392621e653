import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cache } from '../../src/cache';
import { MemoryBackend } from '../../src/backends/memory';
import { EncryptionError } from '../../src/errors';
import { functionKey, tenantScopedKey } from '../../src/keys';
import { deriveTenantKeys } from '../../src/native';

const OLD_KEY = '11'.repeat(32);
const NEW_KEY = '22'.repeat(32);

let counter = 0;
const unique = (label: string) => `${label}_${++counter}`;

function capture() {
  const lines: string[] = [];
  const record = (fields: Record<string, unknown>, message: string) => void lines.push(`${message} ${JSON.stringify(fields)}`);
  return { lines, logger: { trace: record, debug: record, info: record, warn: record, error: record } };
}

/**
 * One function per name, as one service's function across restarts: a test that "restarts"
 * (a new master key, a plaintext deployment before) wraps this same function again, and it
 * computes what the latest deployment says. A different function under the same name would be
 * refused (one function per identity).
 */
const deployed = new Map<string, { fn: (id: number) => Promise<unknown>; compute: (id: number) => unknown }>();
function deployedFunction(name: string, compute: (id: number) => unknown) {
  let entry = deployed.get(name);
  if (entry === undefined) {
    const created = { fn: async (id: number) => created.compute(id), compute };
    entry = created;
    deployed.set(name, entry);
  }
  entry.compute = compute;
  return entry.fn;
}

/** A secure cache over `backend` (one deployment, counting its own runs) and the stored key of its call `f(id)`. */
function secureCache(backend: MemoryBackend, name: string, encryption: Record<string, unknown>, logger = capture().logger) {
  let runs = 0;
  const f = cache.secure(deployedFunction(name, (id) => ({ id, run: ++runs, secret: 'top secret payload' })), {
    encryption,
    tenant: 'single',
    backend,
    l1: false,
    logger,
    name,
    module: 'tamper',
  });
  const keyOf = (id: number) => tenantScopedKey('default', functionKey({ module: 'tamper', name, args: [id] }));
  return { f, keyOf, runs: () => runs };
}

describe('tampered entries are misses, never values', () => {
  const damage: Array<[string, (b: Buffer) => Buffer]> = [
    ['bit flip in the ciphertext', (b) => {
      const c = Buffer.from(b);
      c[c.length - 20]! ^= 0x01;
      return c;
    }],
    ['bit flip in the fingerprint', (b) => {
      const c = Buffer.from(b);
      c[8]! ^= 0x80;
      return c;
    }],
    ['algorithm byte changed', (b) => {
      const c = Buffer.from(b);
      c[4] = 1;
      return c;
    }],
    ['truncated by one byte', (b) => b.subarray(0, b.length - 1)],
    ['truncated to the header', (b) => b.subarray(0, 21)],
    ['random bytes', (b) => Buffer.from(b.map(() => Math.floor(Math.random() * 256)))],
  ];

  it.each(damage)('%s → miss, counted, entry deleted', async (_label, mutate) => {
    const backend = new MemoryBackend();
    const { f, keyOf, runs } = secureCache(backend, unique('tamper'), { masterKey: NEW_KEY });
    await f(1);
    await f.flush();
    const stored = (await backend.get(keyOf(1)))!;
    await backend.set(keyOf(1), mutate(stored));
    const value = await f(1);
    expect(value).toMatchObject({ id: 1, run: 2 });
    expect(runs()).toBe(2);
    expect(f.getHealthStatus().counters.integrityErrors).toBe(1);
  });

  it('a plaintext entry where ciphertext is expected (downgrade) is refused', async () => {
    const backend = new MemoryBackend();
    const name = unique('downgrade');
    const plain = cache(deployedFunction(name, (id) => ({ id, run: 0, secret: 'attacker chosen' })), { backend, name, module: 'tamper', l1: false });
    await plain(1);
    await plain.flush();
    const { f, runs } = secureCache(backend, name, { masterKey: NEW_KEY });
    expect(await f(1)).toMatchObject({ id: 1, secret: 'top secret payload' });
    expect(runs()).toBe(1);
    expect(f.getHealthStatus().counters.integrityErrors).toBe(1);
  });

  it('failClosed: true throws EncryptionError instead of recomputing, without leaking key or plaintext', async () => {
    const backend = new MemoryBackend();
    const { lines, logger } = capture();
    const { f, keyOf } = secureCache(backend, unique('closed'), { masterKey: NEW_KEY, failClosed: true }, logger);
    await f(1);
    await f.flush();
    const stored = Buffer.from((await backend.get(keyOf(1)))!);
    stored[stored.length - 1]! ^= 0xff;
    await backend.set(keyOf(1), stored);
    const error = await f(1).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EncryptionError);
    const text = `${(error as Error).message} ${lines.join(' ')}`;
    expect(text).not.toContain(NEW_KEY);
    expect(text).not.toContain('top secret payload');
  });
});

describe('key rotation', () => {
  it('reads old entries by fingerprint, counts them, rewrites them under the new key, and drains', async () => {
    const backend = new MemoryBackend();
    const name = unique('rotate');
    const before = secureCache(backend, name, { masterKey: OLD_KEY });
    await before.f(1);
    await before.f(2);
    await before.f.flush();

    const after = secureCache(backend, name, { masterKey: NEW_KEY, previousMasterKeys: [OLD_KEY] });
    expect(await after.f(1)).toMatchObject({ id: 1, run: 1 }); // the old entry, not recomputed
    expect(await after.f(2)).toMatchObject({ id: 2, run: 2 });
    await after.f.flush();
    let counters = after.f.getHealthStatus().counters;
    expect(counters.oldKeyReads).toBe(2);
    expect(counters.keyRotationRewrites).toBe(2);
    expect(after.runs()).toBe(0);

    // Rewritten: further reads are served by the current key, so the old-key count stops growing.
    await after.f(1);
    await after.f(2);
    counters = after.f.getHealthStatus().counters;
    expect(counters.oldKeyReads - counters.keyRotationRewrites).toBe(0);
    expect(counters.oldKeyReads).toBe(2);

    // Once the old key is dropped, nothing depends on it any more.
    const done = secureCache(backend, name, { masterKey: NEW_KEY });
    expect(await done.f(1)).toMatchObject({ id: 1, run: 1 });
    expect(done.f.getHealthStatus().counters.integrityErrors).toBe(0);
  });

  it('without the previous key, old entries are misses (never trial-decrypted with other keys)', async () => {
    const backend = new MemoryBackend();
    const name = unique('norotate');
    const before = secureCache(backend, name, { masterKey: OLD_KEY });
    await before.f(1);
    await before.f.flush();
    const after = secureCache(backend, name, { masterKey: NEW_KEY });
    expect(await after.f(1)).toMatchObject({ id: 1, run: 1 });
    expect(after.runs()).toBe(1);
    expect(after.f.getHealthStatus().counters.integrityErrors).toBe(1);
  });
});

describe('key material never leaks', () => {
  it('JSON.stringify and inspect of exported objects show no key bytes', () => {
    const keys = deriveTenantKeys(Buffer.from(NEW_KEY, 'hex'), 'tenant-a', { previousMasterKeys: [Buffer.from(OLD_KEY, 'hex')] });
    const f = cache.secure(async function leakCheck() {
      return 1;
    }, { encryption: { masterKey: NEW_KEY, previousMasterKeys: [OLD_KEY] }, tenant: 'single', backend: null });
    for (const text of [JSON.stringify(keys), inspect(keys, { depth: 10, showHidden: true }), JSON.stringify(f.getHealthStatus()), inspect(f, { depth: 10, showHidden: true })]) {
      expect(text).not.toContain(NEW_KEY);
      expect(text).not.toContain(OLD_KEY);
      expect(text).not.toContain(Buffer.from(NEW_KEY, 'hex').toString('base64'));
    }
  });
});
