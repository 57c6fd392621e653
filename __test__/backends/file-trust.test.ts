/**
 * The file backend's trust boundary: it only uses a directory that no other user can change,
 * and only serves (or updates) entry files that it could have written itself — regular files
 * owned by the process user with exactly one link. Anything else planted in the directory is a
 * miss, counted and logged, and never written through.
 *
 * Files owned by another user are made with chown, which needs root; on other machines those
 * cases are skipped (see `asRoot`). POSIX only: Windows has no uids or mode bits to check.
 */
import {
  chmodSync,
  chownSync,
  existsSync,
  lchownSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cache } from '../../src/cache';
import { FileBackend } from '../../src/backends/file/backend';
import { entryFileName } from '../../src/backends/file/format';
import { processUid, untrustedEntryReason } from '../../src/backends/file/ownership';
import { BackendError, ConfigurationError } from '../../src/errors';
import { setLogger, type LogFields } from '../../src/observability/logger';
import { scratchDirectories } from '../support/scratch-dirs';
import { thrown } from '../support/thrown';

const scratch = scratchDirectories('cachekit-file-trust-');
/** uid/gid of `nobody`: "another user" for these tests. */
const OTHER_USER = 65534;
const posix = process.platform !== 'win32';
/** chown to another user needs root. */
const asRoot = posix && process.geteuid?.() === 0;

let counter = 0;
const unique = (label: string) => `${label}_${process.pid}_${++counter}`;

afterEach(() => setLogger(undefined));

/** The module both the planting process and the tests' caches name, so they share keys. */
const MODULE = 'file-trust';

/**
 * The bytes cachekit stores for `lookup(1)` of the function `name` when it returns `value`,
 * written by a real cache in another process (as an attacker would make them) into a
 * directory of its own: what gets planted. Another process, too, because in this one the
 * identity belongs to the tests' own function.
 */
async function entryBytes(name: string, value: unknown): Promise<{ fileName: string; bytes: Buffer }> {
  const directory = scratch();
  const src = path.resolve(__dirname, '..', '..', 'src');
  const script = `
    const { cache } = require(${JSON.stringify(path.join(src, 'cache'))});
    const { FileBackend } = require(${JSON.stringify(path.join(src, 'backends', 'file', 'backend.ts'))});
    const value = ${JSON.stringify(value)};
    const lookup = cache(async (_id) => value, {
      backend: new FileBackend({ directory: ${JSON.stringify(directory)} }),
      name: ${JSON.stringify(name)}, module: ${JSON.stringify(MODULE)}, l1: false, ttl: 60,
    });
    lookup(1).then(() => lookup.flush());
  `;
  execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  const [fileName] = readdirSync(directory);
  return { fileName: fileName!, bytes: readFileSync(path.join(directory, fileName!)) };
}

/** A cached `lookup(id)` that returns `{ role: 'user', id }` and counts its runs. */
function userLookup(name: string, backend: FileBackend | { file: string }, extra: Record<string, unknown> = {}) {
  const runs = { count: 0 };
  const lookup = cache(
    async (id: number) => {
      runs.count++;
      return { role: 'user', id };
    },
    { backend, name, module: MODULE, l1: false, ttl: 60, ...extra },
  );
  return { lookup, runs };
}

/** Warnings sent to the process logger while the test runs. */
function captureWarnings(): Array<{ fields: LogFields; message: string }> {
  const warnings: Array<{ fields: LogFields; message: string }> = [];
  const ignore = () => undefined;
  setLogger({ trace: ignore, debug: ignore, info: ignore, error: ignore, warn: (fields, message) => warnings.push({ fields, message }) });
  return warnings;
}

/** A version-1 entry file that never expires, holding `payload`. */
function entryFile(payload: string): Buffer {
  return Buffer.concat([Buffer.from('CK\x01\x00\x00\x00'), Buffer.alloc(8), Buffer.from(payload)]);
}

describe.runIf(posix)('FileBackend refuses a cache directory another user can change', () => {
  it.runIf(asRoot)('refuses a pre-existing directory owned by another user with mode 0777 at wrap time, naming owner, mode and fix', async () => {
    const name = unique('planted_dir');
    const planted = await entryBytes(name, { role: 'admin', id: 1 });
    const directory = path.join(scratch(), 'cache');
    mkdirSync(directory);
    writeFileSync(path.join(directory, planted.fileName), planted.bytes);
    chownSync(path.join(directory, planted.fileName), OTHER_USER, OTHER_USER);
    chownSync(directory, OTHER_USER, OTHER_USER);
    chmodSync(directory, 0o777);

    const error = thrown(() => userLookup(name, { file: directory }));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain(directory);
    expect(error.message).toContain(`uid ${OTHER_USER}`);
    expect(error.message).toContain('0777');
    expect(error.message).toMatch(/Fix: /);
  });

  it.runIf(asRoot)('refuses a directory owned by another user even when only that user may write it', () => {
    const directory = path.join(scratch(), 'cache');
    mkdirSync(directory, { mode: 0o700 });
    chownSync(directory, OTHER_USER, OTHER_USER);
    expect(() => new FileBackend({ directory })).toThrow(ConfigurationError);
    expect(() => new FileBackend({ directory })).toThrow(/owned by uid 65534.*Fix: /);
  });

  it('refuses a directory of its own that its group or others may write', () => {
    const directory = path.join(scratch(), 'cache');
    mkdirSync(directory);
    chmodSync(directory, 0o770);
    const error = thrown(() => new FileBackend({ directory }));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain('0770');
    expect(error.message).toContain(`chmod 700 ${directory}`);
  });

  it('refuses a directory whose parent others may write without the sticky bit, and accepts a sticky one like /tmp', () => {
    const open = path.join(scratch(), 'open');
    const sticky = path.join(scratch(), 'sticky');
    mkdirSync(open);
    mkdirSync(sticky);
    chmodSync(open, 0o777); // anyone could rename `cache` away and put their own in its place
    chmodSync(sticky, 0o1777); // only the owner of `cache` can rename or remove it
    mkdirSync(path.join(open, 'cache'), { mode: 0o700 });
    mkdirSync(path.join(sticky, 'cache'), { mode: 0o700 });
    expect(() => new FileBackend({ directory: path.join(open, 'cache') })).toThrow(ConfigurationError);
    expect(() => new FileBackend({ directory: path.join(open, 'cache') })).toThrow(`${open} (mode 0777)`);
    expect(() => new FileBackend({ directory: path.join(sticky, 'cache') })).not.toThrow();
  });

  it.runIf(asRoot)('refuses a cache directory reached through a symlink another user owns', () => {
    const target = path.join(scratch(), 'mine');
    mkdirSync(target, { mode: 0o700 });
    const link = path.join(scratch(), 'cache');
    symlinkSync(target, link);
    lchownSync(link, OTHER_USER, OTHER_USER);
    const error = thrown(() => new FileBackend({ directory: link }));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain(`symlink ${link} is owned by uid ${OTHER_USER}`);
  });

  it('follows a symlink of its own to a directory of its own and stores the entries there', async () => {
    const target = path.join(scratch(), 'mine');
    mkdirSync(target, { mode: 0o700 });
    const link = path.join(scratch(), 'cache');
    symlinkSync(target, link);
    const backend = new FileBackend({ directory: link });
    await backend.set('k', Buffer.from('v'));
    expect(existsSync(path.join(target, entryFileName('k')))).toBe(true);
    expect(await backend.get('k')).toEqual(Buffer.from('v'));
  });

  it('resolves relative symlinks, chains of them and .. inside them as the kernel does', async () => {
    const base = scratch();
    mkdirSync(path.join(base, 'real'), { mode: 0o700 });
    mkdirSync(path.join(base, 'a', 'b'), { recursive: true });
    symlinkSync('../../a/./b/../../real', path.join(base, 'a', 'b', 'up'));
    symlinkSync('a/b/up', path.join(base, 'chain'));
    const backend = new FileBackend({ directory: path.join(base, 'chain') });
    await backend.set('k', Buffer.from('v'));
    expect(existsSync(path.join(base, 'real', entryFileName('k')))).toBe(true);
    expect((await backend.healthCheck()).details.directory).toBe(realpathSync(path.join(base, 'chain')));
  });

  it.runIf(asRoot)('refuses at first use a directory another user created after the backend was built: the function runs', async () => {
    const name = unique('planted_later');
    const planted = await entryBytes(name, { role: 'admin', id: 1 });
    const shared = path.join(scratch(), 'shared-tmp');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const directory = path.join(shared, 'cache');
    const backend = new FileBackend({ directory });
    const { lookup, runs } = userLookup(name, backend);

    // Another user wins the race to create the directory, and plants an entry in it.
    mkdirSync(directory);
    writeFileSync(path.join(directory, planted.fileName), planted.bytes);
    chownSync(path.join(directory, planted.fileName), OTHER_USER, OTHER_USER);
    chownSync(directory, OTHER_USER, OTHER_USER);
    chmodSync(directory, 0o777);

    expect(await lookup(1)).toEqual({ role: 'user', id: 1 });
    expect(runs.count).toBe(1);
    const error = await backend.get('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).kind).toBe('permanent');
    expect((error as BackendError).message).toMatch(/owned by uid 65534.*Fix: /);
  });
});

describe.runIf(posix)('FileBackend serves only entry files it could have written itself', () => {
  it('control: the same planted bytes, as a file of this user with one link, are served (the refusals are about the file, not the key)', async () => {
    const name = unique('planted_own');
    const planted = await entryBytes(name, { role: 'admin', id: 1 });
    const directory = scratch();
    writeFileSync(path.join(directory, planted.fileName), planted.bytes);
    const { lookup, runs } = userLookup(name, new FileBackend({ directory }));
    expect(await lookup(1)).toEqual({ role: 'admin', id: 1 });
    expect(runs.count).toBe(0);
  });

  it.runIf(asRoot)('does not serve an entry file owned by another user: the function runs', async () => {
    const name = unique('planted_entry');
    const planted = await entryBytes(name, { role: 'admin', id: 1 });
    const directory = scratch();
    const file = path.join(directory, planted.fileName);
    writeFileSync(file, planted.bytes);
    chownSync(file, OTHER_USER, OTHER_USER);

    const { lookup, runs } = userLookup(name, new FileBackend({ directory }));
    expect(await lookup(1)).toEqual({ role: 'user', id: 1 });
    expect(runs.count).toBe(1);
  });

  it('neither serves nor rewrites a hard-linked entry: refreshTtlOnGet leaves the file outside the directory alone', async () => {
    const name = unique('hard_link');
    const planted = await entryBytes(name, { role: 'admin', id: 1 });
    const outside = path.join(scratch(), 'not-a-cache-file');
    writeFileSync(outside, planted.bytes);
    const directory = scratch();
    linkSync(outside, path.join(directory, planted.fileName));

    // 40 s into the entry's 60 s: a hit would refresh its TTL (less than half is left).
    const backend = new FileBackend({ directory, clock: () => Date.now() + 40_000 });
    const { lookup, runs } = userLookup(name, backend, { refreshTtlOnGet: true });
    expect(await lookup(1)).toEqual({ role: 'user', id: 1 });
    await lookup.flush();
    expect(runs.count).toBe(1);
    expect(readFileSync(outside)).toEqual(planted.bytes);
    // The write replaced the name in the directory, not the bytes of the linked file.
    expect(await lookup(1)).toEqual({ role: 'user', id: 1 });
    expect(runs.count).toBe(1);
  });

  it('refreshTtl never writes through a hard link', async () => {
    const directory = scratch();
    const outside = path.join(scratch(), 'victim');
    writeFileSync(outside, entryFile('secret'));
    linkSync(outside, path.join(directory, entryFileName('k')));
    const backend = new FileBackend({ directory });
    expect(await backend.refreshTtl('k', 100)).toBe(false);
    expect(readFileSync(outside)).toEqual(entryFile('secret'));
  });

  it('counts, logs and removes each untrusted entry as a miss, without touching what it points to', async () => {
    const directory = scratch();
    const backend = new FileBackend({ directory });
    const outside = path.join(scratch(), 'victim');
    writeFileSync(outside, entryFile('secret'));
    const planted: Array<[key: string, reason: RegExp, plant: (file: string) => void]> = [
      ['hard-link', /2 links/, (file) => linkSync(outside, file)],
      ['symlink', /symlink/, (file) => symlinkSync(outside, file)],
      ['fifo', /not a regular file/, (file) => execFileSync('mkfifo', [file])],
    ];
    if (asRoot) {
      planted.push([
        'foreign-owner',
        /owned by uid 65534/,
        (file) => {
          writeFileSync(file, entryFile('planted'));
          chownSync(file, OTHER_USER, OTHER_USER);
        },
      ]);
    }
    const warnings = captureWarnings();
    for (const [key, reason, plant] of planted) {
      const file = path.join(directory, entryFileName(key));
      plant(file);
      expect(await backend.exists(key)).toBe(false);
      expect(await backend.get(key)).toBeNull();
      expect(existsSync(file)).toBe(false);
      const last = warnings.at(-1)!;
      expect(last.fields).toMatchObject({ backend: 'file', directory, entry: entryFileName(key) });
      expect(String(last.fields.reason)).toMatch(reason);
    }
    // exists() saw each one first and removed it; get() then found nothing.
    expect(warnings).toHaveLength(planted.length);
    expect(backend.rejectedEntries).toEqual({ corrupt: 0, untrusted: planted.length });
    expect(readFileSync(outside)).toEqual(entryFile('secret'));
    expect((await backend.healthCheck()).details).toMatchObject({ rejectedEntries: { corrupt: 0, untrusted: planted.length } });
  });

  it('trusts an entry that another process removed or replaced after it was opened (no links left)', async () => {
    const file = path.join(scratch(), entryFileName('k'));
    writeFileSync(file, entryFile('v'));
    const handle = await open(file, 'r');
    try {
      unlinkSync(file); // eviction, or a writer's rename over the name, in another process
      const stats = await handle.stat();
      expect(stats.nlink).toBe(0);
      expect(untrustedEntryReason(stats, processUid())).toBeUndefined();
    } finally {
      await handle.close();
    }
  });

  it('counts and logs corrupt entries the same way', async () => {
    const directory = scratch();
    const backend = new FileBackend({ directory });
    writeFileSync(path.join(directory, entryFileName('k')), Buffer.from('not an entry'));
    const warnings = captureWarnings();
    expect(await backend.get('k')).toBeNull();
    expect(backend.rejectedEntries).toEqual({ corrupt: 1, untrusted: 0 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.fields).toMatchObject({ backend: 'file', entry: entryFileName('k'), reason: 'corrupt' });
  });
});
