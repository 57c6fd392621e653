/**
 * `cachekit verify` against a real redis-server: entries damaged as they are in practice (a
 * flipped bit, a tampered ciphertext, garbage under a cache key) are reported and exit 1;
 * `--delete-bad` removes exactly those, never what it could not judge (cachekit-py frames,
 * entries sealed under another key, other applications' keys), after which verify passes.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StoredEntry } from '../../src/cli/entries/entry-source';
import { RedisEntrySource } from '../../src/cli/entries/redis-source';
import { patternSelection } from '../../src/cli/entries/selection';
import { entriesByKey, runCli, summaryOf } from './support/run-cli';
import { flipEnvelopeLiteral, flipLastByte, pythonFrame, useSeededRedis } from './support/seed-cache';

const MASTER_KEY = randomBytes(32).toString('hex');
const OTHER_KEY = randomBytes(32).toString('hex');
const PYTHON_KEY = `t:default:ns:py:func:app.models.get_user:args:${'cd'.repeat(32)}:1a`;
const FOREIGN_KEY = 'app:cart:7';

const seeded = useSeededRedis('orders', MASTER_KEY);
/** The stored keys the test damages, and how. */
let flipped: string;
let tampered: string;
let garbage: string;

beforeAll(async () => {
  const { redis, keys } = seeded;
  flipped = keys.plain[1]!;
  await redis.set(flipped, flipEnvelopeLiteral((await redis.getBuffer(flipped))!), 'KEEPTTL');
  tampered = keys.sealed[1]!;
  await redis.set(tampered, flipLastByte((await redis.getBuffer(tampered))!), 'KEEPTTL');
  garbage = keys.keyed[1]!.replace('orders-keyed', 'orders');
  await redis.set(garbage, 'definitely not an envelope');
  await redis.set(PYTHON_KEY, pythonFrame());
  await redis.set(FOREIGN_KEY, Buffer.from([0x94, 0xc4, 0x01, 0x00]));
});

const verify = (args: string[], env: Record<string, string> = {}) => runCli(['verify', '--redis', seeded.server.url, '--json', ...args], { env });

describe('cachekit verify on Redis', () => {
  it('reports the entries that fail their checks and exits 1', async () => {
    const run = await verify([], { CACHEKIT_MASTER_KEY: MASTER_KEY });
    expect(run.code).toBe(1);
    const reported = entriesByKey(run);
    expect([...reported.keys()].sort()).toEqual([flipped, garbage, tampered].sort());
    expect(reported.get(flipped)).toMatchObject({ verdict: 'bad', format: 'envelope', checksum: 'failed' });
    expect(reported.get(flipped)!.problem).toContain('checksum');
    expect(reported.get(garbage)).toMatchObject({ verdict: 'bad', format: 'envelope' });
    expect(reported.get(garbage)!.problem).toContain('not a valid envelope');
    expect(reported.get(tampered)).toMatchObject({ verdict: 'bad', format: 'sealed', sealedWith: 'current' });
    expect(reported.get(tampered)!.problem).toContain('does not authenticate');
    expect(summaryOf(run)).toMatchObject({ command: 'verify', bad: 3, foreign: 1, deleted: 0 });
  });

  it('without a master key, cannot judge sealed entries and so does not call them bad', async () => {
    const run = await verify([]);
    expect(run.code).toBe(1);
    expect(entriesByKey(run).has(tampered)).toBe(false);
    expect(summaryOf(run).bad).toBe(2);
  });

  it('with a wrong master key, exits 4 and removes none of the entries it cannot open', async () => {
    const run = await verify(['--delete-bad'], { CACHEKIT_MASTER_KEY: OTHER_KEY });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('opened none of the');
    for (const key of [...seeded.keys.sealed, ...seeded.keys.keyed]) expect(await seeded.redis.exists(key)).toBe(1);
    // The plainly damaged ones were judged without a key, and removed.
    expect(summaryOf(run)).toMatchObject({ bad: 2, deleted: 2 });
    expect(await seeded.redis.exists(flipped, garbage)).toBe(0);
    // Put them back for the next test.
    await seeded.redis.set(flipped, flipEnvelopeLiteral((await seeded.redis.getBuffer(seeded.keys.plain[0]!))!));
    await seeded.redis.set(garbage, 'definitely not an envelope');
  });

  it('--delete-bad removes exactly the failing entries; a second verify then passes', async () => {
    const before = await seeded.redis.dbsize();
    const run = await verify(['--delete-bad'], { CACHEKIT_MASTER_KEY: MASTER_KEY });
    expect(run.code).toBe(1);
    expect(summaryOf(run)).toMatchObject({ bad: 3, deleted: 3 });
    expect(await seeded.redis.exists(flipped, tampered, garbage)).toBe(0);
    expect(await seeded.redis.dbsize()).toBe(before - 3);
    for (const key of [PYTHON_KEY, FOREIGN_KEY, seeded.keys.plain[0]!, seeded.keys.sealed[0]!, seeded.keys.keyed[0]!, ...seeded.keys.interop, ...seeded.keys.interopSealed]) {
      expect(await seeded.redis.exists(key)).toBe(1);
    }
    const again = await verify([], { CACHEKIT_MASTER_KEY: MASTER_KEY });
    expect(again.code).toBe(0);
    expect(summaryOf(again)).toMatchObject({ bad: 0, keyMismatch: 0 });
  });

  it('calls an entry copied under another key bad: its envelope is bound to the key it was written for', async () => {
    const copy = seeded.keys.plain[0]!.replace(/args:[0-9a-f]{64}/, `args:${'0'.repeat(64)}`);
    await seeded.redis.set(copy, (await seeded.redis.getBuffer(seeded.keys.plain[0]!))!);
    try {
      const run = await verify([copy]);
      expect(run.code).toBe(1);
      expect(entriesByKey(run).get(copy)).toMatchObject({ verdict: 'bad', checksum: 'ok', keyBound: true });
      expect(entriesByKey(run).get(copy)!.problem).toContain('bound to another key or tenant');
    } finally {
      await seeded.redis.del(copy);
    }
  });

  it('removes a failing entry only while it still holds the bytes that failed', async () => {
    // What --delete-bad calls for each failing entry: here a writer replaces it between the
    // check and the removal, and the fresh value stays.
    const key = seeded.keys.plain[0]!;
    const good = (await seeded.redis.getBuffer(key))!;
    await seeded.redis.set(key, flipEnvelopeLiteral(good));
    const source = new RedisEntrySource({ url: seeded.server.url, cluster: false });
    try {
      await source.open();
      const read: StoredEntry[] = [];
      await source.entries(patternSelection(key), async (batch) => void read.push(...batch));
      expect(read).toHaveLength(1);
      await seeded.redis.set(key, good);
      expect(await source.removeUnchanged(read)).toBe(0);
      expect((await seeded.redis.getBuffer(key))!.equals(good)).toBe(true);
      await seeded.redis.set(key, flipEnvelopeLiteral(good));
      expect(await source.removeUnchanged(read)).toBe(1);
      expect(await seeded.redis.exists(key)).toBe(0);
    } finally {
      await source.close();
      await seeded.redis.set(key, good);
    }
  });
});
