/**
 * The CLI on a real file-cache directory written by the library's FileBackend: entries are
 * walked and judged by their bytes (files are named by a hash of their key, so an exact key
 * unlocks the key-bound checks and decryption); a damaged file is reported and removed by
 * `verify --delete-bad`; a directory that is not a cache is refused before anything is read.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FileBackend } from '../../src/backends/file/backend';
import { entryFileName, FILE_HEADER_BYTES } from '../../src/backends/file/format';
import { scratchDirectories } from '../support/scratch-dirs';
import { entriesByKey, jsonLines, runCli, summaryOf } from './support/run-cli';
import { flipEnvelopeLiteral, seedCache, type SeededKeys } from './support/seed-cache';

const MASTER_KEY = randomBytes(32).toString('hex');
const scratch = scratchDirectories('cachekit-cli-');

let dir: string;
let keys: SeededKeys;
let entryCount: number;
const damagedName = 'f'.repeat(32);

beforeAll(async () => {
  dir = scratch();
  const backend = new FileBackend({ directory: dir });
  keys = await seedCache(backend, 'files', MASTER_KEY);
  await backend.close();
  // One entry whose checksum fails, one file whose header is not a cache header.
  const flipped = path.join(dir, entryFileName(keys.plain[1]!));
  const bytes = readFileSync(flipped);
  writeFileSync(flipped, Buffer.concat([bytes.subarray(0, FILE_HEADER_BYTES), flipEnvelopeLiteral(bytes.subarray(FILE_HEADER_BYTES))]));
  writeFileSync(path.join(dir, damagedName), 'not a cache entry at all', { mode: 0o600 });
  entryCount = readdirSync(dir).length;
});

const cli = (args: string[], env: Record<string, string> = {}) => runCli([...args, '--dir', dir], { env });

describe('cachekit on a file cache', () => {
  it('inspects every entry file: format, TTL, sizes, checksum; sealed entries need their key', async () => {
    const run = await cli(['inspect', '--json']);
    expect(run.code).toBe(1);
    const entries = jsonLines(run).filter((line) => line.type === 'entry');
    expect(entries).toHaveLength(entryCount);
    const byFile = entriesByKey(run);
    expect(byFile.get(entryFileName(keys.plain[0]!))).toMatchObject({ key: null, keyKind: 'unknown', format: 'envelope', checksum: 'ok', verdict: 'ok', keyBound: true });
    expect(byFile.get(entryFileName(keys.plain[0]!))!.ttlSeconds).toBeGreaterThan(500);
    expect(byFile.get(entryFileName(keys.plain[1]!))).toMatchObject({ verdict: 'bad', checksum: 'failed' });
    expect(byFile.get(damagedName)).toMatchObject({ verdict: 'bad' });
    expect(byFile.get(damagedName)!.problem).toContain('header');
    expect(byFile.get(entryFileName(keys.sealed[0]!))).toMatchObject({ format: 'sealed', verdict: 'unverified' });
    expect(byFile.get(entryFileName(keys.interop[0]!))).toMatchObject({ format: 'raw', serializer: 'msgpack', verdict: 'ok' });
  });

  it('takes an exact key: the file it hashes to is checked and opened as that key', async () => {
    const run = await cli(['inspect', keys.sealed[0]!, '--json', '--decode'], { CACHEKIT_MASTER_KEY: MASTER_KEY });
    expect(run.code).toBe(0);
    const entry = entriesByKey(run).get(keys.sealed[0]!)!;
    expect(entry).toMatchObject({ file: entryFileName(keys.sealed[0]!), tenant: 'acme', format: 'sealed', sealedWith: 'current', verdict: 'ok' });
    expect(entry.value).toMatchObject({ id: 1, joined: { $date: '2024-01-01T00:00:00.000Z' } });
  });

  it('refuses key patterns it cannot match (files are named by hashes) and selections by key parts', async () => {
    const pattern = await cli(['inspect', 't:acme:*']);
    expect(pattern.code).toBe(3);
    expect(pattern.stderr).toContain('names each entry by a hash of its key');
    const byNamespace = await cli(['clear', '--namespace', 'files', '--yes']);
    expect(byNamespace.code).toBe(3);
    expect(readdirSync(dir)).toHaveLength(entryCount);
  });

  it('verify --delete-bad removes the damaged files and nothing else', async () => {
    const run = await cli(['verify', '--delete-bad', '--json']);
    expect(run.code).toBe(1);
    expect(summaryOf(run)).toMatchObject({ bad: 2, deleted: 2 });
    const left = readdirSync(dir);
    expect(left).toHaveLength(entryCount - 2);
    expect(left).not.toContain(damagedName);
    expect(left).not.toContain(entryFileName(keys.plain[1]!));
    expect((await cli(['verify'])).code).toBe(0);
  });

  it('clear --all removes the entry files (dry run first outside a terminal)', async () => {
    const copy = scratch();
    const backend = new FileBackend({ directory: copy });
    await seedCache(backend, 'files2', MASTER_KEY);
    await backend.close();
    const count = readdirSync(copy).length;
    const dry = await runCli(['clear', '--all', '--dir', copy, '--json']);
    expect(summaryOf(dry)).toMatchObject({ dryRun: true, matched: count, removed: 0 });
    expect(readdirSync(copy)).toHaveLength(count);
    const done = await runCli(['clear', '--all', '--dir', copy, '--yes', '--json']);
    expect(summaryOf(done)).toMatchObject({ removed: count });
    expect(readdirSync(copy)).toHaveLength(0);
  });

  it('refuses a directory that is not a cache, touching nothing, and a missing one', async () => {
    const home = scratch();
    writeFileSync(path.join(home, 'notes.txt'), 'important');
    writeFileSync(path.join(home, 'a'.repeat(32)), 'looks like an entry');
    mkdirSync(path.join(home, 'photos'));
    for (const args of [['inspect'], ['verify', '--delete-bad'], ['clear', '--all', '--yes'], ['stats']]) {
      const run = await runCli([...args, '--dir', home]);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('is not a cachekit file cache');
      expect(run.stdout).toBe('');
    }
    expect(readdirSync(home).sort()).toEqual(['a'.repeat(32), 'notes.txt', 'photos']);
    const health = await runCli(['health', '--dir', home]);
    expect(health.code).toBe(2);
    expect(health.stdout).toContain('is not a cachekit file cache');
    expect(readdirSync(home)).toHaveLength(3);

    const missing = await runCli(['inspect', '--dir', path.join(home, 'nowhere')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('There is no directory');
  });

  it('health runs the file backend check: exit 0 on a cache directory, nothing left behind', async () => {
    const before = readdirSync(dir).sort();
    const run = await runCli(['health', '--dir', dir, '--json', '--degraded-ms', '60000']);
    expect(run.code).toBe(0);
    expect(jsonLines(run)[0]).toMatchObject({ type: 'health', status: 'healthy', ok: true, backendType: 'file' });
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});
