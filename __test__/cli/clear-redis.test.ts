/**
 * `cachekit clear` against a real redis-server: outside a terminal it only counts unless `--yes`;
 * on a terminal (a real pseudo-terminal) it asks first; it removes exactly the entries of the
 * namespace, function or tenant asked for, and never another application's keys.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisBackend } from '../../src/backends/redis/backend';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server';
import { runCli, runCliInTerminal, summaryOf } from './support/run-cli';
import { seedCache, type SeededKeys } from './support/seed-cache';

const MASTER_KEY = randomBytes(32).toString('hex');
/** Keys of another application sharing the Redis, some shaped like cachekit's. */
const FOREIGN = ['app:sessions:1', 'catalog:items:3', 'tenant:acme:config', 'catalog:get_price:notahash'];

let server: RedisServerHandle;
let redis: Redis;
let keys: SeededKeys;
let round = 0;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
});

beforeEach(async () => {
  await redis.flushall();
  const backend = new RedisBackend({ url: server.url });
  keys = await seedCache(backend, `catalog${++round}`, MASTER_KEY);
  await backend.close();
  for (const key of FOREIGN) await redis.set(key, 'x');
});

afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

const clear = (args: string[]) => runCli(['clear', '--redis', server.url, ...args]);
const remaining = async (list: readonly string[]) => (list.length === 0 ? 0 : redis.exists(...list));

describe('cachekit clear on Redis', () => {
  it('outside a terminal, counts what it would remove and removes nothing unless --yes', async () => {
    const before = await redis.dbsize();
    const run = await clear([`--namespace`, `catalog${round}`]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Would remove ${keys.plain.length} entries`);
    expect(run.stdout).toContain('pass --yes to remove them');
    expect(await redis.dbsize()).toBe(before);
    const json = await clear(['--namespace', `catalog${round}`, '--json']);
    expect(summaryOf(json)).toMatchObject({ command: 'clear', dryRun: true, matched: keys.plain.length, removed: 0 });
  });

  it('--yes removes the namespace entries only', async () => {
    const run = await clear(['--namespace', `catalog${round}`, '--yes', '--json']);
    expect(run.code).toBe(0);
    expect(summaryOf(run)).toMatchObject({ dryRun: false, removed: keys.plain.length });
    expect(await remaining(keys.plain)).toBe(0);
    expect(await remaining([...keys.sealed, ...keys.keyed, ...keys.interop, ...keys.interopSealed])).toBe(keys.sealed.length + keys.keyed.length + keys.interop.length + keys.interopSealed.length);
    expect(await remaining(FOREIGN)).toBe(FOREIGN.length);
  });

  it('selects interop entries by namespace and by operation, and default-mode ones by function', async () => {
    const byOperation = await clear(['--function', 'get_price', '--yes', '--json']);
    expect(summaryOf(byOperation).removed).toBe(keys.interop.length);
    expect(await remaining(keys.interop)).toBe(0);
    const byNamespace = await clear(['--namespace', `catalog${round}-vault`, '--yes', '--json']);
    expect(summaryOf(byNamespace).removed).toBe(keys.interopSealed.length);
    const byFunction = await clear(['--function', 'app:profile', '--yes', '--json']);
    expect(summaryOf(byFunction).removed).toBe(keys.plain.length + keys.sealed.length + keys.keyed.length);
    expect(await remaining(FOREIGN)).toBe(FOREIGN.length);
  });

  it('--tenant removes one tenant across namespaces; combined filters must all match', async () => {
    const combined = await clear(['--tenant', 'acme', '--namespace', `catalog${round}-secure`, '--yes', '--json']);
    expect(summaryOf(combined).removed).toBe(keys.sealed.length);
    const tenant = await clear(['--tenant', 'acme', '--yes', '--json']);
    // Plain entries of acme: ids 1 and 2; globex keeps id 3.
    expect(summaryOf(tenant).removed).toBe(2);
    expect(await remaining(keys.plain)).toBe(1);
    expect(await redis.exists(keys.plain[2]!)).toBe(1);
  });

  it('--all removes every cachekit entry and no other key', async () => {
    const run = await clear(['--all', '--yes', '--json']);
    expect(summaryOf(run).removed).toBe(keys.plain.length + keys.sealed.length + keys.keyed.length + keys.interop.length + keys.interopSealed.length);
    expect((await redis.keys('*')).sort()).toEqual([...FOREIGN].sort());
  });

  it('on a terminal, asks first: "y" removes, anything else removes nothing', async () => {
    const declined = await runCliInTerminal(['clear', '--redis', server.url, '--namespace', `catalog${round}`], { input: 'n\n' });
    expect(declined.code).toBe(0);
    expect(declined.stdout).toContain(`Remove ${keys.plain.length} entries`);
    expect(await remaining(keys.plain)).toBe(keys.plain.length);
    const confirmed = await runCliInTerminal(['clear', '--redis', server.url, '--namespace', `catalog${round}`], { input: 'y\n' });
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toContain(`Removed ${keys.plain.length} entries`);
    expect(await remaining(keys.plain)).toBe(0);
  });

  it('refuses to guess what to clear', async () => {
    const none = await clear([]);
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('Say what to clear');
    const both = await clear(['--all', '--tenant', 'acme']);
    expect(both.code).toBe(3);
    expect(await redis.dbsize()).toBeGreaterThan(FOREIGN.length);
  });
});
