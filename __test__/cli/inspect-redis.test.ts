/**
 * `cachekit inspect` against a real redis-server holding entries the library wrote: every format
 * is recognised with its key parts, TTL, sizes, checksum and key fingerprint; `--decode` shows
 * values with dates and bytes as such; a master key opens sealed, keyed and encrypted interop
 * entries and is never printed; a wrong key and a malformed one are told apart by exit code.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { entriesByKey, jsonLines, runCli, summaryOf } from './support/run-cli';
import { pythonFrame, useSeededRedis } from './support/seed-cache';

const MASTER_KEY = randomBytes(32).toString('hex');
const OTHER_KEY = randomBytes(32).toString('hex');
const PYTHON_KEY = `t:default:ns:py:func:app.models.get_user:args:${'ab'.repeat(32)}:1a`;

const seeded = useSeededRedis('shop', MASTER_KEY);

beforeAll(async () => {
  const { redis } = seeded;
  await redis.set(PYTHON_KEY, pythonFrame(), 'EX', 60);
  await redis.set('app:session:42', 'not ours');
  await redis.hset('app:settings', 'theme', 'dark');
});

const inspect = (args: string[], env: Record<string, string> = {}) => runCli(['inspect', '--redis', seeded.server.url, ...args], { env });

describe('cachekit inspect on Redis', () => {
  it('reports each entry with its key parts, TTL, sizes, format and checksum verdict', async () => {
    const run = await inspect(['--json']);
    expect(run.code).toBe(0);
    const entries = entriesByKey(run);
    const plain = entries.get(seeded.keys.plain[0]!)!;
    expect(plain).toMatchObject({
      keyKind: 'default',
      tenant: 'acme',
      namespace: 'shop',
      function: 'app:profile',
      format: 'envelope',
      serializer: 'msgpack',
      keyBound: true,
      checksum: 'ok',
      verdict: 'ok',
    });
    expect(plain.ttlSeconds).toBeGreaterThan(500);
    expect(plain.ttlSeconds).toBeLessThanOrEqual(600);
    expect(plain.storedBytes).toBe((await seeded.redis.getBuffer(seeded.keys.plain[0]!))!.length);
    expect(plain.compressedBytes).toBeGreaterThan(0);
    expect(plain.originalBytes).toBeGreaterThan(0);
    expect(entries.get(seeded.keys.plain[2]!)).toMatchObject({ tenant: 'globex', verdict: 'ok' });
    for (const key of seeded.keys.interop) expect(entries.get(key)).toMatchObject({ keyKind: 'interop', namespace: 'shop-shared', function: 'get_price', format: 'interop', verdict: 'ok' });
    expect(entries.get(PYTHON_KEY)).toMatchObject({ keyKind: 'default', format: 'python-ck', verdict: 'unverified' });
    expect(entries.get(PYTHON_KEY)!.problem).toContain('CK v3 frame');
    expect(entries.get('app:session:42')).toMatchObject({ keyKind: 'foreign', verdict: 'foreign' });
    expect(entries.get('app:settings')).toMatchObject({ keyKind: 'foreign', verdict: 'foreign' });
    expect(summaryOf(run)).toMatchObject({ command: 'inspect', entries: 14, bad: 0, foreign: 2 });
  });

  it('names the cipher and key fingerprint of sealed and keyed entries, and says a key is needed to check them', async () => {
    const entries = entriesByKey(await inspect(['--json']));
    for (const key of seeded.keys.sealed) {
      expect(entries.get(key)).toMatchObject({ format: 'sealed', algorithm: 'aes-256-gcm', verdict: 'unverified', sealedWith: null });
      expect(entries.get(key)!.keyFingerprint).toMatch(/^[0-9a-f]{32}$/);
      expect(entries.get(key)!.problem).toContain('--master-key');
    }
    for (const key of seeded.keys.keyed) expect(entries.get(key)).toMatchObject({ format: 'keyed', verdict: 'unverified' });
    for (const key of seeded.keys.interopSealed) expect(entries.get(key)).toMatchObject({ keyKind: 'interop', verdict: 'unverified' });
  });

  it('opens sealed, keyed and encrypted interop entries with the master key, and never prints it', async () => {
    const run = await inspect(['--json', '--decode'], { CACHEKIT_MASTER_KEY: MASTER_KEY });
    expect(run.code).toBe(0);
    const entries = entriesByKey(run);
    for (const key of [...seeded.keys.sealed, ...seeded.keys.keyed]) {
      expect(entries.get(key)).toMatchObject({ verdict: 'ok', sealedWith: 'current', checksum: 'ok' });
      expect(entries.get(key)!.originalBytes).toBeGreaterThan(0);
    }
    for (const key of seeded.keys.interopSealed) expect(entries.get(key)).toMatchObject({ format: 'interop-sealed', verdict: 'ok' });
    expect(entries.get(seeded.keys.sealed[0]!)!.value).toEqual({ id: 1, name: 'user 1', joined: { $date: '2024-01-01T00:00:00.000Z' }, avatar: { $bytes: 'AQIB' } });
    expect(run.stdout + run.stderr).not.toContain(MASTER_KEY);

    const table = await inspect(['t:acme:*', '--decode', '--master-key', MASTER_KEY]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain("joined: 2024-01-01T00:00:00.000Z");
    expect(table.stdout).toContain('avatar: <Buffer 01 02 01>');
    expect(table.stdout).toContain('(current key)');
    expect(table.stdout + table.stderr).not.toContain(MASTER_KEY);
  });

  it('exits 4 when the master key sealed none of the protected entries, and 3 when it is malformed', async () => {
    const wrong = await inspect(['--json'], { CACHEKIT_MASTER_KEY: OTHER_KEY });
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain('opened none of the');
    expect(summaryOf(wrong)).toMatchObject({ wrongKey: true, keyMismatch: seeded.keys.sealed.length + seeded.keys.keyed.length });
    expect(entriesByKey(wrong).get(seeded.keys.sealed[0]!)).toMatchObject({ verdict: 'key-mismatch', sealedWith: 'unknown' });
    expect(wrong.stdout + wrong.stderr).not.toContain(OTHER_KEY);

    const malformed = await inspect(['--master-key', `${OTHER_KEY.slice(0, 60)}zzzz`]);
    expect(malformed.code).toBe(3);
    expect(malformed.stderr).toContain('--master-key is not a valid master key');
    expect(malformed.stderr).not.toContain(OTHER_KEY.slice(0, 60));
    expect(malformed.stdout).toBe('');
  });

  it('matches the pattern on the server and stops after --limit entries', async () => {
    const matched = jsonLines(await inspect(['--json', 'shop-shared:*'])).filter((line) => line.type === 'entry');
    expect(matched.map((line) => line.key).sort()).toEqual([...seeded.keys.interop].sort());
    const limited = await inspect(['--json', '--limit', '2']);
    expect(summaryOf(limited).entries).toBe(2);
    const badLimit = await inspect(['--limit', 'many']);
    expect(badLimit.code).toBe(3);
    expect(badLimit.stderr).toContain('--limit must be a whole number');
  });

  it('prints a readable table for people and nothing but JSON lines with --json', async () => {
    const table = await inspect([]);
    expect(table.stdout.split('\n')[0]).toMatch(/^VERDICT\s+FORMAT\s+TTL\s+STORED\s+ORIGINAL\s+KEY$/);
    expect(table.stdout).toContain(seeded.keys.plain[0]);
    expect(table.stdout).toMatch(/14 entries \(.+ stored\): .*2 foreign/);
    const json = await inspect(['--json']);
    for (const line of json.stdout.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });
});
