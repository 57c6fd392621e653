/**
 * `cachekit stats` against a real redis-server: entry counts, stored bytes, size histograms,
 * expiring-soon and no-expiry counts and failing entries, per namespace, function and tenant.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli, summaryOf } from './support/run-cli';
import { flipEnvelopeLiteral, useSeededRedis } from './support/seed-cache';

const MASTER_KEY = randomBytes(32).toString('hex');

const seeded = useSeededRedis('metrics', MASTER_KEY);

beforeAll(async () => {
  const { redis, keys } = seeded;
  // One entry expires soon, one never, one fails its checksum; another application's value
  // sits beside them.
  await redis.expire(keys.plain[0]!, 30);
  await redis.persist(keys.interop[0]!);
  await redis.set(keys.plain[1]!, flipEnvelopeLiteral((await redis.getBuffer(keys.plain[1]!))!), 'KEEPTTL');
  await redis.set('big-blob', randomBytes(300 * 1024));
});

type Group = Record<string, any>;
const groupsOf = (lines: Array<Record<string, any>>, by: string): Map<string, Group> =>
  new Map(lines.filter((line) => line.type === 'group' && line.by === by).map((line) => [line.name, line]));

describe('cachekit stats', () => {
  it('counts entries, sizes, expiries and failures per namespace, function and tenant', async () => {
    const run = await runCli(['stats', '--redis', seeded.server.url, '--json', '--soon', '60']);
    expect(run.code).toBe(1);
    const lines = jsonLines(run);
    const namespaces = groupsOf(lines, 'namespace');
    expect(namespaces.get('metrics')).toMatchObject({ entries: 3, expiringSoon: 1, noExpiry: 0, failing: 1 });
    expect(namespaces.get('metrics')!.histogram).toMatchObject({ '<1K': 3, '>=1M': 0 });
    expect(namespaces.get('metrics')!.storedBytes).toBe((await Promise.all(seeded.keys.plain.map((k) => seeded.redis.strlen(k)))).reduce((a, b) => a + b, 0));
    expect(namespaces.get('metrics-shared')).toMatchObject({ entries: 2, noExpiry: 1, failing: 0 });
    expect(namespaces.get('metrics-secure')).toMatchObject({ entries: 2, unverified: 2 });
    const tenants = groupsOf(lines, 'tenant');
    expect(tenants.get('acme')).toMatchObject({ entries: 4 });
    expect(tenants.get('globex')).toMatchObject({ entries: 1 });
    expect(tenants.get('default')).toMatchObject({ entries: 2 });
    expect(tenants.get('(none)')).toMatchObject({ entries: 4 });
    const functions = groupsOf(lines, 'function');
    expect(functions.get('app:profile')).toMatchObject({ entries: 7 });
    expect(functions.get('get_price')).toMatchObject({ entries: 2 });
    // Another application's key is counted, never grouped.
    expect(summaryOf(run)).toMatchObject({ command: 'stats', entries: 12, foreign: 1, bad: 1, soonSeconds: 60 });
    expect([...namespaces.values()].reduce((sum, g) => sum + g.entries, 0)).toBe(11);
  });

  it('with a master key, sealed and keyed entries are checked too', async () => {
    const run = await runCli(['stats', '--redis', seeded.server.url, '--json'], { env: { CACHEKIT_MASTER_KEY: MASTER_KEY } });
    expect(groupsOf(jsonLines(run), 'namespace').get('metrics-secure')).toMatchObject({ entries: 2, unverified: 0, failing: 0 });
  });

  it('--namespace keeps one namespace (default-mode and interop keys of that name)', async () => {
    const run = await runCli(['stats', '--redis', seeded.server.url, '--json', '--namespace', 'metrics-shared']);
    const lines = jsonLines(run);
    expect([...groupsOf(lines, 'namespace').keys()]).toEqual(['metrics-shared']);
    expect(summaryOf(run)).toMatchObject({ entries: 2, foreign: 0 });
  });

  it('prints one table per dimension for people', async () => {
    const run = await runCli(['stats', '--redis', seeded.server.url]);
    for (const section of ['By namespace:', 'By function:', 'By tenant:']) expect(run.stdout).toContain(section);
    expect(run.stdout).toMatch(/ENTRIES\s+STORED\s+<1K\s+<4K/);
    expect(run.stdout).toMatch(/12 entries \(.+\): .*1 bad/);
  });
});
