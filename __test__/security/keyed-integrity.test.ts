/**
 * Keyed integrity (`integrity: 'keyed'` / `{ masterKey }`) against someone who can write to
 * Redis. The default envelope's checksum is unkeyed (xxHash3, with the key binding in the
 * format tag also unkeyed), so an attacker can compute it: a default cache serves a forged
 * entry — the documented limit. A keyed-integrity cache refuses it, and refuses genuine
 * entries moved to another key or tenant, while key rotation keeps old entries readable.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cache } from '../../src/cache';
import { createCodec } from '../../src/codec/codec';
import { ConfigurationError } from '../../src/errors';
import { functionKey, tenantScopedKey } from '../../src/keys';
import { useRedisAndBackend } from '../support/redis-and-backend';

const KEY = randomBytes(32).toString('hex');
const OLD_KEY = randomBytes(32).toString('hex');
const MODULE = 'keyed-integrity';

const store = useRedisAndBackend();

let counter = 0;
const unique = (label: string) => `${label}_${randomBytes(4).toString('hex')}_${++counter}`;

function capture() {
  const lines: Array<{ message: string; fields: Record<string, unknown> }> = [];
  const record = (fields: Record<string, unknown>, message: string) => void lines.push({ message, fields });
  return { lines, logger: { trace: record, debug: record, info: record, warn: record, error: record } };
}

/** Run counts of the deployment whose call is running (calls here are sequential). */
let active = { runs: 0 };
/** One `profile(id)` function per cache name: deployments of one name wrap the same function (one function per identity). */
const profiles = new Map<string, (id: number) => Promise<{ id: number; role: string; run: number }>>();

/**
 * A cached `profile(id)` with `options` — one "deployment" of the function `name`; several
 * deployments of one name share its entries, each counting its own runs. Returns its runs, its
 * logs and the stored key of a call.
 */
function profileCache(name: string, options: Record<string, unknown>, tenant?: (id: number) => string) {
  const { lines, logger } = capture();
  let profile = profiles.get(name);
  if (profile === undefined) {
    profile = async (id: number) => ({ id, role: 'user', run: ++active.runs });
    profiles.set(name, profile);
  }
  const own = { runs: 0 };
  const cached = cache(profile, {
    backend: store.backend,
    l1: false,
    logger,
    name,
    module: MODULE,
    ...(tenant === undefined ? {} : { tenant }),
    ...options,
  });
  const f = Object.assign((id: number) => {
    active = own;
    return cached(id);
  }, { flush: () => cached.flush(), getHealthStatus: () => cached.getHealthStatus() });
  const logicalKey = (id: number) => functionKey({ module: MODULE, name, args: [id] });
  const storedKey = (id: number, tenantId = tenant?.(id) ?? 'default') => tenantScopedKey(tenantId, logicalKey(id));
  return { f, lines, runs: () => own.runs, logicalKey, storedKey };
}

/**
 * What an attacker with write access to Redis and no master key can build: the default
 * plaintext entry of `value` for a logical key, with a valid checksum and key-bound format tag
 * (both are unkeyed, so the library's own codec computes them).
 */
function forgedPlainEntry(value: unknown, logicalKey: string, tenant = 'default'): Buffer {
  const codec = createCodec({ serializer: 'standard', bindKey: true });
  return codec.encode(value, { key: logicalKey, tenant });
}

const FORGED = { id: 7, role: 'admin', run: 0 };

describe('a forged plaintext entry (attacker can write to Redis, has no master key)', () => {
  it('is served by a default cache: the checksum protects against accidents, not writers', async () => {
    const { f, logicalKey, storedKey, runs } = profileCache(unique('default'), {});
    await store.redis.set(storedKey(7), forgedPlainEntry(FORGED, logicalKey(7)));
    expect(await f(7)).toEqual(FORGED);
    expect(runs()).toBe(0);
  });

  it.each([
    ["integrity: 'keyed' (CACHEKIT_MASTER_KEY)", 'env'],
    ['integrity: { masterKey }', 'option'],
  ])('is refused by a keyed-integrity cache (%s): miss, counted, logged, the function runs', async (_label, source) => {
    const name = unique('keyed');
    const previousEnv = process.env.CACHEKIT_MASTER_KEY;
    if (source === 'env') process.env.CACHEKIT_MASTER_KEY = KEY;
    try {
      const { f, lines, logicalKey, storedKey, runs } = profileCache(name, { integrity: source === 'env' ? 'keyed' : { masterKey: KEY } });
      await store.redis.set(storedKey(7), forgedPlainEntry(FORGED, logicalKey(7)));
      expect(await f(7)).toEqual({ id: 7, role: 'user', run: 1 });
      expect(runs()).toBe(1);
      expect(f.getHealthStatus().counters.integrityErrors).toBe(1);
      const warning = lines.find((line) => line.message.includes('failed its integrity check'));
      expect(warning?.fields.code).toBe('ERR_NOT_KEYED_ENTRY');
      // The genuine value replaced the forgery and reads back.
      await f.flush();
      expect(await f(7)).toEqual({ id: 7, role: 'user', run: 1 });
      expect(runs()).toBe(1);
    } finally {
      if (previousEnv === undefined) delete process.env.CACHEKIT_MASTER_KEY;
      else process.env.CACHEKIT_MASTER_KEY = previousEnv;
    }
  });

  it('is refused when framed like a keyed entry with a guessed tag', async () => {
    const { f, lines, logicalKey, storedKey, runs } = profileCache(unique('keyed'), { integrity: { masterKey: KEY } });
    await f(7);
    await f.flush();
    const genuine = (await store.redis.getBuffer(storedKey(7)))!;
    // Keep the genuine header (magic, fingerprint), guess the tag, swap the envelope.
    const forged = Buffer.concat([genuine.subarray(0, 20), randomBytes(32), forgedPlainEntry(FORGED, logicalKey(7))]);
    await store.redis.set(storedKey(7), forged);
    expect(await f(7)).toEqual({ id: 7, role: 'user', run: 2 });
    expect(runs()).toBe(2);
    expect(f.getHealthStatus().counters.integrityErrors).toBe(1);
    expect(lines.some((line) => line.fields.code === 'ERR_MAC_MISMATCH')).toBe(true);
  });
});

describe('genuine keyed entries moved elsewhere', () => {
  it('are refused under another key', async () => {
    const { f, storedKey, runs } = profileCache(unique('moved'), { integrity: { masterKey: KEY } });
    await f(1);
    await f(2);
    await f.flush();
    await store.redis.set(storedKey(2), (await store.redis.getBuffer(storedKey(1)))!);
    expect(await f(2)).toEqual({ id: 2, role: 'user', run: 3 });
    expect(runs()).toBe(3);
    expect(f.getHealthStatus().counters.integrityErrors).toBe(1);
  });

  it('are refused under another tenant', async () => {
    const name = unique('tenants');
    const acme = profileCache(name, { integrity: { masterKey: KEY } }, () => 'acme');
    const globex = profileCache(name, { integrity: { masterKey: KEY } }, () => 'globex');
    await acme.f(1);
    await acme.f.flush();
    await store.redis.set(globex.storedKey(1), (await store.redis.getBuffer(acme.storedKey(1)))!);
    expect(await globex.f(1)).toEqual({ id: 1, role: 'user', run: 1 });
    expect(globex.runs()).toBe(1);
    expect(globex.f.getHealthStatus().counters.integrityErrors).toBe(1);
  });
});

describe('key rotation', () => {
  it('reads entries signed under a previous key, counts them and re-signs them; without that key they are misses', async () => {
    const name = unique('rotate');
    const before = profileCache(name, { integrity: { masterKey: OLD_KEY } });
    await before.f(1);
    await before.f(2);
    await before.f.flush();
    const signedByOld = (await store.redis.getBuffer(before.storedKey(2)))!;

    const after = profileCache(name, { integrity: { masterKey: KEY, previousMasterKeys: [OLD_KEY] } });
    expect(await after.f(1)).toEqual({ id: 1, role: 'user', run: 1 });
    expect(await after.f(2)).toEqual({ id: 2, role: 'user', run: 2 });
    await after.f.flush();
    expect(after.runs()).toBe(0);
    let counters = after.f.getHealthStatus().counters;
    expect(counters.oldKeyReads).toBe(2);
    expect(counters.keyRotationRewrites).toBe(2);
    // Rewritten under the new key: read again without counting, and readable with the new key alone.
    await after.f(1);
    counters = after.f.getHealthStatus().counters;
    expect(counters.oldKeyReads).toBe(2);
    const newOnly = profileCache(name, { integrity: { masterKey: KEY } });
    expect(await newOnly.f(1)).toEqual({ id: 1, role: 'user', run: 1 });
    expect(newOnly.runs()).toBe(0);

    // An entry still signed by the old key is a miss for a cache that dropped it.
    await store.redis.set(newOnly.storedKey(2), signedByOld);
    expect(await newOnly.f(2)).toEqual({ id: 2, role: 'user', run: 1 });
    expect(newOnly.runs()).toBe(1);
    expect(newOnly.f.getHealthStatus().counters.integrityErrors).toBe(1);
  });
});

describe('keyed integrity configuration', () => {
  const build = (options: Record<string, unknown>, preset: 'default' | 'secure' = 'default') => () =>
    (preset === 'secure' ? cache.secure : cache)(async function configured() {}, { backend: null, ...options } as never);

  it('needs a master key, and names the fix', () => {
    const previous = process.env.CACHEKIT_MASTER_KEY;
    delete process.env.CACHEKIT_MASTER_KEY;
    try {
      expect(build({ integrity: 'keyed' })).toThrow(/Keyed integrity needs a master key.*CACHEKIT_MASTER_KEY.*openssl rand -hex 32/);
    } finally {
      if (previous !== undefined) process.env.CACHEKIT_MASTER_KEY = previous;
    }
  });

  it.each([
    ['an all-zero key', { integrity: { masterKey: '00'.repeat(32) } }, /`integrity.masterKey` is all zero bytes.*openssl rand -hex 32/],
    ['a malformed key', { integrity: { masterKey: 'ab'.repeat(31) } }, /`integrity.masterKey` is not a valid master key/],
    ['an unknown field', { integrity: { masterKey: KEY, algorithm: 'blake2b' } }, /Unknown option `integrity.algorithm`/],
    ['a value that is neither boolean nor keyed', { integrity: 'sha256' }, /`integrity` must be true, false, 'keyed' or \{ masterKey, previousMasterKeys \}; got/],
    ['encryption as well', { integrity: { masterKey: KEY }, encryption: { masterKey: KEY } }, /cannot be combined: encryption already authenticates/],
    ['interop mode', { integrity: { masterKey: KEY }, interop: 'get_user', namespace: 'users' }, /Keyed integrity cannot be combined with `interop`/],
  ])('refuses %s with a ConfigurationError', (_label, options, message) => {
    expect(build(options)).toThrow(ConfigurationError);
    expect(build(options)).toThrow(message);
  });

  it('is refused on cache.secure, whose encryption already authenticates', () => {
    expect(build({ integrity: 'keyed', encryption: { masterKey: KEY }, tenant: 'single' }, 'secure')).toThrow(/contradicts cache.secure/);
  });

  it("with CACHEKIT_MASTER_KEY set, `integrity: 'keyed'` states the choice: no demand to decide about encryption", () => {
    const previous = process.env.CACHEKIT_MASTER_KEY;
    process.env.CACHEKIT_MASTER_KEY = KEY;
    try {
      expect(build({})).toThrow(/does not say whether to encrypt/);
      expect(build({ integrity: 'keyed' })).not.toThrow();
    } finally {
      if (previous === undefined) delete process.env.CACHEKIT_MASTER_KEY;
      else process.env.CACHEKIT_MASTER_KEY = previous;
    }
  });
});
