/**
 * Distinct inputs give distinct stored keys, as a user meets it on a real Redis (issue 12,
 * item 5): custom keys, namespaces and modules that differ only in characters the old format
 * replaced by `_`, a short key shaped like a shortened one, and custom keys ending in `:lock`
 * under the distributed lock.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cache } from '../../src/cache';
import { RedisBackend } from '../../src/backends/redis/backend';
import type { BackendCallOptions } from '../../src/backends/types';

/** RedisBackend that records what each lock attempt was granted. */
class LockRecordingBackend extends RedisBackend {
  readonly lockAttempts: Array<{ key: string; granted: boolean }> = [];

  override async acquireLock(key: string, token: string, leaseMs: number, options?: BackendCallOptions): Promise<boolean> {
    const granted = await super.acquireLock(key, token, leaseMs, options);
    this.lockAttempts.push({ key, granted });
    return granted;
  }
}

const run = randomUUID().slice(0, 8);
let counter = 0;
/** A module of its own per test, so tests never share entries in the shared Redis or L1. */
const uniqueModule = () => `distinct_keys_${run}_${++counter}`;

/** `search(q)` keyed by the query itself, as in the issue. */
function searchCache(backend: RedisBackend, module: string) {
  return cache(async function search(q: string) {
    return `results for [${q}]`;
  }, { backend, module, key: (q: string) => q, l1: false });
}

describe('distinct inputs, distinct entries (real Redis)', () => {
  const url = inject('redisUrl');
  let backend: LockRecordingBackend;
  let raw: Redis;

  beforeAll(() => {
    backend = new LockRecordingBackend({ url });
    raw = new Redis(url);
  });
  afterAll(async () => {
    await backend.close();
    await raw.quit();
  });

  it('custom keys that differ only in space, CR, LF or _ name different entries', async () => {
    const search = searchCache(backend, uniqueModule());
    const queries = ['drop table', 'drop_table', 'a\nb', 'a\rb', 'a b', 'a_b'];
    for (const q of queries) expect(await search(q)).toBe(`results for [${q}]`);
    // Read back from Redis (L1 is off): each query still finds its own entry.
    for (const q of queries) expect(await search(q)).toBe(`results for [${q}]`);
    expect(search.cacheInfo()).toMatchObject({ misses: queries.length, l2Hits: queries.length });
  });

  it('namespaces "a b" / "a_b" and modules "src/user-repo" / "src/user_repo" name different entries', async () => {
    const tag = uniqueModule();
    const byNamespace = ['a b', 'a_b'].map((ns) =>
      cache(async function load(id: number) {
        return `${ns} row ${id}`;
      }, { backend, namespace: `${tag} ${ns}`, l1: false }),
    );
    const byModule = ['src/user-repo', 'src/user_repo'].map((module) =>
      cache(async function load(id: number) {
        return `${module} row ${id}`;
      }, { backend, module: `${tag}/${module}`, l1: false }),
    );
    expect(await byNamespace[0]!(1)).toBe('a b row 1');
    expect(await byNamespace[1]!(1)).toBe('a_b row 1');
    expect(await byModule[0]!(1)).toBe('src/user-repo row 1');
    expect(await byModule[1]!(1)).toBe('src/user_repo row 1');
  });

  it('a short custom key shaped like a shortened key never lands on the long key\'s entry', async () => {
    const module = uniqueModule();
    const search = searchCache(backend, module);
    const long = 'q'.repeat(300);
    expect(await search(long)).toBe(`results for [${long}]`);
    const [stored] = await raw.keys(`t:default:*${module}*`);
    expect(stored).toBeDefined();
    // What an attacker who knows the format would ask for: the stored key minus the
    // function's own part, so that the function's prefix + this key spells the stored key.
    const forged = stored!.slice(stored!.indexOf('key:') + 'key:'.length);
    expect(await search(forged)).toBe(`results for [${forged}]`);
  });

  it('a custom key ending in ":lock" never occupies the lock of another call (cache.production)', async () => {
    const search = cache.production(async function search(q: string) {
      return `results for [${q}]`;
    }, { backend, module: uniqueModule(), key: (q: string) => q, l1: false, reliability: { lock: { waitTimeoutMs: 300 } } });
    expect(await search('laptops:lock')).toBe('results for [laptops:lock]');
    await search.flush();
    backend.lockAttempts.length = 0;
    expect(await search('laptops')).toBe('results for [laptops]');
    // The miss found the lock free: it did not wait for a lock nobody holds.
    expect(backend.lockAttempts[0]?.granted).toBe(true);
  });

  it('computing a custom key ending in ":lock" leaves another process\'s live lock alone', async () => {
    const search = cache.production(async function search(q: string) {
      return `results for [${q}]`;
    }, { backend, module: uniqueModule(), key: (q: string) => q, l1: false, reliability: { lock: { waitTimeoutMs: 300 } } });
    await search('laptops');
    await search.flush();
    const lockedKey = backend.lockAttempts.at(-1)!.key;
    // Another process now computes search('laptops') and holds its lock.
    expect(await backend.acquireLock(lockedKey, 'other-process', 30_000)).toBe(true);
    expect(await search('laptops:lock')).toBe('results for [laptops:lock]');
    await search.flush();
    // Still held by the other process: nothing read, wrote or deleted it.
    expect(await backend.releaseLock(lockedKey, 'other-process')).toBe(true);
  });
});
