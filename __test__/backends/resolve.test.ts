import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { BackendError, ConfigurationError } from '../../src/errors';
import { FileBackend } from '../../src/backends/file/backend';
import { MemoryBackend } from '../../src/backends/memory';
import { RedisBackend } from '../../src/backends/redis/backend';
import {
  BackendResolver,
  closeSharedBackends,
  createBackend,
  getDefaultBackend,
  L1_ONLY_WARNING_CODE,
  resolveBackend,
  setDefaultBackend,
} from '../../src/backends/resolve';

const redisUrl = inject('redisUrl');
const dir = mkdtempSync(path.join(tmpdir(), 'cachekit-resolve-'));
const resolvers: BackendResolver[] = [];
function resolver(): { r: BackendResolver; warnings: string[] } {
  const warnings: string[] = [];
  const r = new BackendResolver((m) => warnings.push(m));
  resolvers.push(r);
  return { r, warnings };
}
afterAll(async () => {
  for (const r of resolvers) await r.closeShared();
  await closeSharedBackends();
  rmSync(dir, { recursive: true, force: true });
});

describe('resolveBackend precedence', () => {
  it('returns an explicit backend instance as is, even when a default and the environment are set', () => {
    const { r } = resolver();
    const explicit = new MemoryBackend();
    r.setDefault(new MemoryBackend());
    expect(r.resolve(explicit, { REDIS_URL: redisUrl })).toBe(explicit);
  });

  it('treats backend: null as L1 only, without a warning and without reading the environment', () => {
    const { r, warnings } = resolver();
    expect(r.resolve(null, { REDIS_URL: redisUrl, CACHEKIT_FILE_CACHE_DIR: dir })).toBeNull();
    expect(warnings).toEqual([]);
  });

  it('uses the default backend before the environment', () => {
    const { r } = resolver();
    const fallback = new MemoryBackend();
    r.setDefault(fallback);
    expect(r.resolve(undefined, { REDIS_URL: redisUrl })).toBe(fallback);
    r.setDefault(null);
    expect(r.resolve(undefined, {})).toBeNull();
  });

  it('builds one shared Redis backend from CACHEKIT_REDIS_URL, which wins over REDIS_URL', async () => {
    const { r } = resolver();
    const env = { CACHEKIT_REDIS_URL: redisUrl, REDIS_URL: 'redis://127.0.0.1:1' };
    const first = r.resolve(undefined, env);
    expect(first).toBeInstanceOf(RedisBackend);
    expect(r.resolve(undefined, env)).toBe(first);
    await first!.set('ck-test:resolve:env', Buffer.from('v'), 10);
    expect(await first!.get('ck-test:resolve:env')).toEqual(Buffer.from('v'));
  });

  it('falls back to REDIS_URL', () => {
    const { r } = resolver();
    const backend = r.resolve(undefined, { REDIS_URL: redisUrl }) as RedisBackend;
    expect(backend).toBeInstanceOf(RedisBackend);
    expect((backend.client.options as { port?: number }).port).toBe(Number(new URL(redisUrl).port));
  });

  it('builds one shared file backend from CACHEKIT_FILE_CACHE_DIR', () => {
    const { r } = resolver();
    const env = { CACHEKIT_FILE_CACHE_DIR: dir };
    const backend = r.resolve(undefined, env);
    expect(backend).toBeInstanceOf(FileBackend);
    expect(r.resolve(undefined, env)).toBe(backend);
  });

  it('refuses a Redis URL and a file directory configured at once', () => {
    const { r } = resolver();
    expect(() => r.resolve(undefined, { REDIS_URL: redisUrl, CACHEKIT_FILE_CACHE_DIR: dir })).toThrow(ConfigurationError);
    expect(() => r.resolve(undefined, { CACHEKIT_REDIS_URL: redisUrl, CACHEKIT_FILE_CACHE_DIR: dir })).toThrow(
      /Both CACHEKIT_REDIS_URL and CACHEKIT_FILE_CACHE_DIR.*Fix/,
    );
  });

  it('names the variable of a bad Redis URL without echoing its password', () => {
    const { r } = resolver();
    const attempt = () => r.resolve(undefined, { REDIS_URL: 'http://user:hunter2@cache:6379' });
    expect(attempt).toThrow(/REDIS_URL.*scheme "http:"/);
    expect(attempt).not.toThrow(/hunter2/);
  });

  it('with nothing configured returns null, never a localhost Redis, and warns once', () => {
    const { r, warnings } = resolver();
    expect(r.resolve(undefined, {})).toBeNull();
    expect(r.resolve(undefined, { REDIS_URL: '', CACHEKIT_FILE_CACHE_DIR: '  ' })).toBeNull();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/in-process only.*backend: null/);
  });

  it('emits the process warning with a stable code from the process-wide resolver', async () => {
    const seen: Array<{ code?: string }> = [];
    const listener = (w: Error & { code?: string }) => seen.push(w);
    process.on('warning', listener);
    try {
      expect(resolveBackend(undefined, {})).toBeNull();
      expect(resolveBackend(undefined, {})).toBeNull();
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', listener);
    }
    expect(seen.filter((w) => w.code === L1_ONLY_WARNING_CODE)).toHaveLength(1);
  });

  it('shares backends given as the same URL string', () => {
    const { r } = resolver();
    const a = r.resolve(redisUrl, {});
    expect(a).toBeInstanceOf(RedisBackend);
    expect(r.resolve(redisUrl, {})).toBe(a);
    expect(r.resolve({ redis: redisUrl }, {})).toBe(a);
  });

  it('shares backends given as equal plain option objects, but never specs carrying live objects', () => {
    const { r } = resolver();
    const a = r.resolve({ redis: { url: redisUrl, connectTimeoutMs: 300 } }, {});
    expect(r.resolve({ redis: { url: redisUrl, connectTimeoutMs: 300 } }, {})).toBe(a);
    expect(r.resolve({ redis: { url: redisUrl, connectTimeoutMs: 301 } }, {})).not.toBe(a);
    const clock = () => Date.now();
    const f = r.resolve({ file: { directory: dir, clock } }, {});
    expect(r.resolve({ file: { directory: dir, clock } }, {})).not.toBe(f);
    expect(r.resolve({ memory: true }, {})).not.toBe(r.resolve({ memory: true }, {}));
  });

  it('closeShared closes what it shared', async () => {
    const { r } = resolver();
    const shared = r.resolve(`file://${dir}`, {})!;
    await r.closeShared();
    await expect(shared.get('k')).rejects.toBeInstanceOf(BackendError);
    expect(r.resolve(`file://${dir}`, {})).not.toBe(shared);
  });

  it('setDefaultBackend / getDefaultBackend round-trip and reject non-backends', () => {
    const backend = new MemoryBackend();
    setDefaultBackend(backend);
    expect(getDefaultBackend()).toBe(backend);
    expect(resolveBackend(undefined, { REDIS_URL: redisUrl })).toBe(backend);
    setDefaultBackend(null);
    expect(getDefaultBackend()).toBeNull();
    expect(() => setDefaultBackend({ get() {} } as never)).toThrow(/setDefaultBackend\(\) needs a backend/);
  });
});

describe('createBackend', () => {
  it('builds each spec form', async () => {
    const made = [
      createBackend(redisUrl),
      createBackend({ redis: { url: redisUrl, connectTimeoutMs: 250 } }),
      createBackend(`file://${dir}`),
      createBackend({ file: { directory: dir, maxEntries: 500 } }),
      createBackend({ file: dir }),
      createBackend({ memory: true }),
      createBackend({ memory: { maxEntries: 5 } }),
    ];
    expect(made.map((b) => b.backendType)).toEqual(['redis', 'redis', 'file', 'file', 'file', 'memory', 'memory']);
    expect((made[1] as RedisBackend).settings.connectTimeoutMs).toBe(250);
    expect((made[3] as FileBackend).settings.maxEntries).toBe(500);
    for (const b of made) await b.close?.();
  });

  it('explains what it accepts when given something else', () => {
    expect(() => createBackend('memcached://host')).toThrow(/no scheme cachekit knows.*redis:\/\//);
    expect(() => createBackend({ mongo: 'x' } as never)).toThrow(/not a backend spec/);
    expect(() => createBackend({ redis: redisUrl, file: dir } as never)).toThrow(ConfigurationError);
    expect(() => createBackend('file://remote-host/dir')).toThrow(/file:\/\/\/absolute/);
  });

  it('validates Redis options with messages naming option, value and fix', () => {
    expect(() => createBackend({ redis: { url: redisUrl, connectTimeoutMs: -5 } })).toThrow(
      /connectTimeoutMs.*-5.*Fix/,
    );
    expect(() => createBackend({ redis: {} })).toThrow(/exactly one of `url`, `client`, `cluster`, `sentinel`/);
    expect(() => createBackend({ redis: { url: redisUrl, comandTimeoutMs: 5 } as never })).toThrow(/Unknown RedisBackend option `comandTimeoutMs`/);
    expect(() => createBackend('redis://:secret@host:6379/x')).toThrow(/database number/);
    expect(() => createBackend('redis://:secret@host:6379/x')).not.toThrow(/secret/);
  });
});
