/**
 * Entries for the CLI tests, written by the real library through real caches (plain, encrypted,
 * keyed-integrity, interop, encrypted interop, several tenants) on any backend, plus the
 * damaged ones an operator meets: a flipped bit, a tampered ciphertext, garbage under a cache
 * key, cachekit-py's CK frame (bytes from the protocol vectors). Returns the stored keys, so
 * tests can say exactly what they expect of each.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { RedisBackend } from '../../../src/backends/redis/backend';
import type { CacheBackend } from '../../../src/backends/types';
import { cache } from '../../../src/cache';
import { functionKey, interopKey, tenantScopedKey } from '../../../src/keys';
import { ByteStorage } from '../../../src/native';
import { startRedisServer, type RedisServerHandle } from '../../support/redis-server';
import { loadVectors } from '../../support/vectors';

/** Stored keys of what `seedCache` wrote, by kind. */
export interface SeededKeys {
  /** Plain envelopes of namespace `{ns}`, function `app:profile`, tenants `acme` (ids 1, 2) and `globex` (id 3). */
  readonly plain: string[];
  /** Encrypted entries of namespace `{ns}-secure`, tenant `acme`. */
  readonly sealed: string[];
  /** Keyed-integrity entries of namespace `{ns}-keyed`, tenant `default`. */
  readonly keyed: string[];
  /** Interop entries of namespace `{ns}-shared`, operation `get_price`. */
  readonly interop: string[];
  /** Encrypted interop entries of namespace `{ns}-vault`, operation `get_secret`, tenant `default`. */
  readonly interopSealed: string[];
}

/** The namespace all of a seed's entries share as a prefix. */
export type SeedNamespace = string;

const MODULE = 'app';

/** One function object per cache identity (the library refuses a second one under a used name). */
const functions = new Map<string, (id: number) => Promise<unknown>>();
function profileFunction(label: string): (id: number) => Promise<unknown> {
  let fn = functions.get(label);
  if (fn === undefined) {
    fn = async (id: number) => ({ id, name: `user ${id}`, joined: new Date(Date.UTC(2024, 0, id)), avatar: Buffer.from([1, 2, id]) });
    functions.set(label, fn);
  }
  return fn;
}

/** Writes every kind of entry through real caches on `backend`; `ns` keeps seeds apart. */
export async function seedCache(backend: CacheBackend, ns: SeedNamespace, masterKey: string): Promise<SeededKeys> {
  const common = { backend, l1: false as const, module: MODULE, ttl: 600 };
  const plain = cache(profileFunction(`${ns}:plain`), { ...common, namespace: ns, name: 'profile', tenant: (id: number) => (id < 3 ? 'acme' : 'globex') });
  const sealed = cache(profileFunction(`${ns}:sealed`), { ...common, namespace: `${ns}-secure`, name: 'profile', encryption: { masterKey }, tenant: { id: 'acme' } });
  const keyed = cache(profileFunction(`${ns}:keyed`), { ...common, namespace: `${ns}-keyed`, name: 'profile', integrity: { masterKey } });
  const interop = cache(profileFunction(`${ns}:interop`), { ...common, namespace: `${ns}-shared`, interop: 'get_price' });
  const interopSealed = cache(profileFunction(`${ns}:vault`), { ...common, namespace: `${ns}-vault`, interop: 'get_secret', encryption: { masterKey } });
  for (const id of [1, 2, 3]) await plain(id);
  for (const id of [1, 2]) {
    await sealed(id);
    await keyed(id);
    await interop(id);
    await interopSealed(id);
  }
  await Promise.all([plain, sealed, keyed, interop, interopSealed].map((fn) => fn.flush()));
  const key = (namespace: string, tenant: string, id: number) => tenantScopedKey(tenant, functionKey({ namespace, module: MODULE, name: 'profile', args: [id] }));
  return {
    plain: [key(ns, 'acme', 1), key(ns, 'acme', 2), key(ns, 'globex', 3)],
    sealed: [1, 2].map((id) => key(`${ns}-secure`, 'acme', id)),
    keyed: [1, 2].map((id) => key(`${ns}-keyed`, 'default', id)),
    interop: [1, 2].map((id) => interopKey(`${ns}-shared`, 'get_price', [id])),
    interopSealed: [1, 2].map((id) => interopKey(`${ns}-vault`, 'get_secret', [id])),
  };
}

/**
 * A copy of an envelope with one literal byte of its LZ4 block changed: still a well-formed
 * envelope that decompresses, whose checksum no longer matches (LZ4 keeps a block's last five
 * bytes literal, so the byte changed is data, never a length or an offset).
 */
export function flipEnvelopeLiteral(envelope: Buffer): Buffer {
  const { compressedSize } = new ByteStorage().describe(envelope);
  // fixarray(4), then bin8 or bin16 header before the block.
  const blockStart = envelope[1] === 0xc4 ? 3 : 4;
  const copy = Buffer.from(envelope);
  copy[blockStart + compressedSize - 2]! ^= 0x01;
  return copy;
}

/** A copy with its last byte changed (inside an AEAD or MAC tag: authentication fails). */
export function flipLastByte(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  copy[copy.length - 1]! ^= 0x01;
  return copy;
}

/** A real cachekit-py auto-mode CK v3 frame, from the protocol's python-frame vectors. */
export function pythonFrame(): Buffer {
  const file = loadVectors<{ frame_vectors: Array<{ frame_hex: string }> }>('python-frame.json');
  return Buffer.from(file.frame_vectors[0]!.frame_hex, 'hex');
}

/** A redis-server of a test file's own, seeded by `seedCache`, with a raw client beside it. */
export interface SeededRedis {
  server: RedisServerHandle;
  redis: Redis;
  keys: SeededKeys;
}

/**
 * Starts a redis-server for the test file, seeds it (`seedCache` under `ns`) before the file's
 * other hooks, and stops it after. Call at the top level of a test file.
 */
export function useSeededRedis(ns: SeedNamespace, masterKey: string): SeededRedis {
  const seeded = {} as SeededRedis;
  beforeAll(async () => {
    seeded.server = await startRedisServer();
    seeded.redis = new Redis(seeded.server.url);
    const backend = new RedisBackend({ url: seeded.server.url });
    seeded.keys = await seedCache(backend, ns, masterKey);
    await backend.close();
  });
  afterAll(async () => {
    seeded.redis?.disconnect();
    await seeded.server?.stop();
  });
  return seeded;
}
