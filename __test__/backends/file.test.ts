import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendError, ConfigurationError } from '../../src/errors';
import { runBackendConformance } from '../../src/backends/conformance';
import { FileBackend } from '../../src/backends/file/backend';
import { DirectoryBudget } from '../../src/backends/file/directory-budget';
import { entryFileName } from '../../src/backends/file/format';
import { scratchDirectories } from '../support/scratch-dirs';
import { hex, loadVectors } from '../support/vectors';

const scratch = scratchDirectories('cachekit-file-test-');

runBackendConformance('file', () => new FileBackend({ directory: path.join(scratch(), 'cache') }), { describe, it, beforeAll, afterAll }, {
  capabilities: { ttl: true, locks: false, batch: false, clearPrefix: false },
});

interface FileVector {
  name: string;
  key_utf8: string;
  filename: string;
  header_hex: string;
  payload_hex: string;
  file_hex: string;
  expiry_unix_seconds: number;
  reader_now_unix_seconds?: number;
  reader_action: 'return_payload' | 'miss_preserve' | 'miss_expired';
}

describe('FileBackend on-disk format (cachekit-py vectors)', () => {
  const { vectors } = loadVectors<{ vectors: FileVector[] }>('file-backend.json');

  it.each(vectors.map((v) => [v.name, v] as const))('reads vector %s as the vector says', async (_name, vector) => {
    const dir = scratch();
    const file = path.join(dir, vector.filename);
    writeFileSync(file, hex(vector.file_hex));
    const now = (vector.reader_now_unix_seconds ?? 0) * 1000;
    const backend = new FileBackend({ directory: dir, clock: () => now });
    expect(entryFileName(vector.key_utf8)).toBe(vector.filename);
    const got = await backend.get(vector.key_utf8);
    if (vector.reader_action === 'return_payload') {
      expect(got).toEqual(hex(vector.payload_hex));
    } else {
      expect(got).toBeNull();
      // Files of a newer format are left for the writer that understands them; expired ones go.
      expect(existsSync(file)).toBe(vector.reader_action === 'miss_preserve');
    }
  });

  it.each(vectors.filter((v) => v.reader_action === 'return_payload').map((v) => [v.name, v] as const))(
    'writes vector %s byte for byte',
    async (_name, vector) => {
      const dir = scratch();
      const ttl = 3600;
      const now = vector.expiry_unix_seconds === 0 ? 1_700_000_000_000 : (vector.expiry_unix_seconds - ttl) * 1000;
      const backend = new FileBackend({ directory: dir, clock: () => now });
      await backend.set(vector.key_utf8, hex(vector.payload_hex), vector.expiry_unix_seconds === 0 ? undefined : ttl);
      expect(readFileSync(path.join(dir, vector.filename))).toEqual(hex(vector.file_hex));
    },
  );
});

describe('FileBackend safety', () => {
  it('creates the directory with mode 0700 and entries with mode 0600', async () => {
    const dir = path.join(scratch(), 'nested', 'cache');
    const backend = new FileBackend({ directory: dir });
    await backend.set('k', Buffer.from('v'));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, entryFileName('k'))).mode & 0o777).toBe(0o600);
  });

  it('removes truncated and corrupt files and reads them as a miss', async () => {
    const dir = scratch();
    const backend = new FileBackend({ directory: dir });
    const cases: Array<[string, Buffer]> = [
      ['short', Buffer.from('CK\x01')],
      ['bad-magic', Buffer.concat([Buffer.from('XK\x01\x00\x00\x00'), Buffer.alloc(8), Buffer.from('payload')])],
      ['version-0', Buffer.concat([Buffer.from('CK\x00\x00\x00\x00'), Buffer.alloc(8), Buffer.from('payload')])],
      ['empty', Buffer.alloc(0)],
    ];
    for (const [key, bytes] of cases) {
      const file = path.join(dir, entryFileName(key));
      writeFileSync(file, bytes);
      expect(await backend.get(key)).toBeNull();
      expect(existsSync(file)).toBe(false);
    }
  });

  it('refuses to follow a symlink planted under an entry name, and set replaces the link, not its target', async () => {
    const dir = scratch();
    const outside = path.join(scratch(), 'victim');
    const valid = Buffer.concat([Buffer.from('CK\x01\x00\x00\x00'), Buffer.alloc(8), Buffer.from('secret')]);
    writeFileSync(outside, valid);
    const link = path.join(dir, entryFileName('k'));
    symlinkSync(outside, link);
    const backend = new FileBackend({ directory: dir });
    expect(await backend.get('k')).toBeNull();
    expect(await backend.exists('k')).toBe(false);
    expect(await backend.refreshTtl('k', 10)).toBe(false);
    await backend.set('k', Buffer.from('mine'));
    expect(lstatSync(link).isSymbolicLink()).toBe(false);
    expect(readFileSync(outside)).toEqual(valid);
    expect(await backend.get('k')).toEqual(Buffer.from('mine'));
  });

  it('does not hang on a FIFO planted under an entry name', async () => {
    const dir = scratch();
    execFileSync('mkfifo', [path.join(dir, entryFileName('fifo'))]);
    const backend = new FileBackend({ directory: dir });
    expect(await backend.get('fifo')).toBeNull();
    expect(await backend.exists('fifo')).toBe(false);
  });

  it('removes temporary files of dead writers and stale ones at start, and keeps a live writer\'s fresh one', async () => {
    const dir = scratch();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const name = entryFileName('k');
    const deadTemp = path.join(dir, `${name}.tmp.${dead}.abcdef`);
    const liveFresh = path.join(dir, `${name}.tmp.${process.pid}.123456`);
    const liveStale = path.join(dir, `${name}.tmp.${process.pid}.654321`);
    const unrelated = path.join(dir, 'notes.txt');
    for (const f of [deadTemp, liveFresh, liveStale, unrelated]) writeFileSync(f, 'partial');
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    utimesSync(liveStale, twoMinutesAgo, twoMinutesAgo);
    const backend = new FileBackend({ directory: dir });
    await backend.get('anything');
    expect(existsSync(deadTemp)).toBe(false);
    expect(existsSync(liveStale)).toBe(false);
    expect(existsSync(liveFresh)).toBe(true);
    expect(existsSync(unrelated)).toBe(true);
  });

  it('rejects a value above maxValueBytes as permanent', async () => {
    const backend = new FileBackend({ directory: scratch(), maxSizeBytes: 10_000, maxValueBytes: 1000 });
    const err = await backend.set('k', Buffer.alloc(1001)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as BackendError).kind).toBe('permanent');
    expect((err as BackendError).message).toContain('maxValueBytes');
  });

  it('reports a directory path that is a file as a permanent BackendError', async () => {
    const file = path.join(scratch(), 'plain-file');
    writeFileSync(file, 'x');
    const backend = new FileBackend({ directory: file });
    const err = await backend.get('k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as BackendError).kind).toBe('permanent');
    expect((err as BackendError).message).toContain(file);
    const health = await backend.healthCheck();
    expect(health.ok).toBe(false);
  });

  it('recreates the directory when it is deleted while in use', async () => {
    const dir = path.join(scratch(), 'cache');
    const backend = new FileBackend({ directory: dir });
    await backend.set('a', Buffer.from('1'));
    rmSync(dir, { recursive: true, force: true });
    expect(await backend.get('a')).toBeNull();
    await backend.set('b', Buffer.from('2'));
    expect(await backend.get('b')).toEqual(Buffer.from('2'));
  });
});

describe('FileBackend TTL by the header', () => {
  it('expires at the whole second the header names and refreshes it in place', async () => {
    let now = 1_700_000_000_500;
    const backend = new FileBackend({ directory: scratch(), clock: () => now });
    await backend.set('k', Buffer.from('v'), 10);
    // int(now + ttl) like cachekit-py: 1_700_000_010
    expect(await backend.getTtl('k')).toBe(10);
    now = 1_700_000_009_999;
    expect(await backend.get('k')).toEqual(Buffer.from('v'));
    expect(await backend.refreshTtl('k', 100)).toBe(true);
    now = 1_700_000_010_000;
    expect(await backend.get('k')).toEqual(Buffer.from('v'));
    // int(1_700_000_009.999 + 100) = 1_700_000_109
    expect(await backend.getTtl('k')).toBe(99);
    now = 1_700_000_109_000;
    expect(await backend.get('k')).toBeNull();
    expect(await backend.refreshTtl('k', 100)).toBe(false);
  });
});

/**
 * Sets an entry's mtime to `second` seconds after a fixed past instant. Writes within one clock
 * tick share an mtime, so tests that expect "least recently written first" give each entry its
 * own time.
 */
function setWriteTime(dir: string, key: string, second: number): void {
  const when = new Date(1_700_000_000_000 + second * 1000);
  utimesSync(path.join(dir, entryFileName(key)), when, when);
}

describe('FileBackend limits and eviction', () => {
  it('evicts the least recently written entries down to 70% when the entry count crosses 90%', async () => {
    const dir = scratch();
    const backend = new FileBackend({ directory: dir, maxEntries: 20 });
    for (let i = 0; i < 19; i++) {
      await backend.set(`k${i}`, Buffer.from(String(i)));
      setWriteTime(dir, `k${i}`, i);
    }
    const count = readdirSync(dir).length;
    expect(count).toBeLessThanOrEqual(14);
    // The 19th write crossed 18 (90%); the oldest entries went first.
    expect(await backend.get('k0')).toBeNull();
    expect(await backend.get('k18')).toEqual(Buffer.from('18'));
  });

  it('evicts down to 70% of maxSizeBytes when 90% is crossed', async () => {
    const dir = scratch();
    const backend = new FileBackend({ directory: dir, maxSizeBytes: 100_000, maxValueBytes: 10_000 });
    const total = () => readdirSync(dir).reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0);
    // Each file is 10 000 bytes with its 14-byte header.
    for (let i = 0; i < 9; i++) {
      await backend.set(`k${i}`, Buffer.alloc(9_986, i));
      setWriteTime(dir, `k${i}`, i);
    }
    expect(total()).toBe(90_000);
    await backend.set('k9', Buffer.alloc(9_986, 9)); // 100 000 > 90 000: evict to <= 70 000
    expect(total()).toBeLessThanOrEqual(70_000);
    expect(await backend.get('k0')).toBeNull();
    expect(await backend.get('k9')).toEqual(Buffer.alloc(9_986, 9));
  });

  it('keeps a tally so writes below the high-water mark do not rescan the directory', async () => {
    const dir = scratch();
    const budget = new DirectoryBudget(dir, { maxSizeBytes: 1000, maxEntries: 100 });
    const now = Date.now();
    await budget.maintain(now);
    expect(budget.needsMaintenance(now)).toBe(false);
    budget.record(800, 50);
    expect(budget.needsMaintenance(now)).toBe(false);
    budget.record(101, 1);
    expect(budget.needsMaintenance(now)).toBe(true);
    // Trusted for a minute at most: other processes write to the same directory.
    budget.record(-901, -51);
    expect(budget.needsMaintenance(now + 61_000)).toBe(true);
  });

  it('names the option, the value and the fix in configuration errors', () => {
    expect(() => new FileBackend({ directory: '' })).toThrow(ConfigurationError);
    expect(() => new FileBackend({ directory: '' })).toThrow(/directory.*CACHEKIT_FILE_CACHE_DIR/);
    expect(() => new FileBackend({ directory: '/tmp/x', maxSizeBytes: 2000, maxValueBytes: 1200 })).toThrow(
      /maxValueBytes.*1200.*50%.*maxSizeBytes.*2000.*Fix: set maxValueBytes <= 1000/,
    );
    expect(() => new FileBackend({ directory: '/tmp/x', maxEntries: 0 })).toThrow(/maxEntries.*0.*Fix/);
    expect(() => new FileBackend({ directory: '/tmp/x', maxSizeBytes: 1.5 } as never)).toThrow(/maxSizeBytes/);
    expect(() => new FileBackend({ directory: '/tmp/x', maxSize: 1 } as never)).toThrow(/Unknown FileBackend option `maxSize`/);
  });

  it('defaults maxValueBytes to half of a small maxSizeBytes', () => {
    const backend = new FileBackend({ directory: '/tmp/x', maxSizeBytes: 10 * 1024 * 1024 });
    expect(backend.settings.maxValueBytes).toBe(5 * 1024 * 1024);
  });
});
