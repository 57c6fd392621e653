import { afterEach, describe, expect, it } from 'vitest';
import { cache } from '../../src/cache';
import { ConfigurationError } from '../../src/errors';
import { parseEnvironment, reloadEnvironment } from '../../src/config/env';
import { MemoryBackend } from '../../src/backends/memory';
import { RecordingBackend } from '../support/recording-backend';
import { thrownAs } from '../support/thrown';

async function named(n: number) {
  return n;
}

function configError(build: () => unknown): ConfigurationError {
  return thrownAs(ConfigurationError, build);
}

describe('option validation (at wrap time)', () => {
  it.each([
    [-1, /non-negative/],
    [Number.NaN, /finite/],
    [Number.POSITIVE_INFINITY, /finite/],
    ['ten minutes', /not a duration/],
    [{}, /number of seconds or a duration string/],
  ])('ttl %s is rejected with a message naming the option and the fix', (ttl, pattern) => {
    const error = configError(() => cache(named, { ttl: ttl as number }));
    expect(error.message).toMatch(/`ttl`/);
    expect(error.message).toMatch(pattern);
    expect(error.message).toMatch(/Fix:/);
    expect(error.code).toBe('ERR_CONFIGURATION');
  });

  it('accepts seconds, 0 and duration strings', () => {
    expect(() => cache(named, { ttl: 0, backend: null })).not.toThrow();
    expect(() => cache(named, { ttl: 30, backend: null })).not.toThrow();
    for (const ttl of ['500ms', '30s', '10m', '2h', '1d', '1.5h']) expect(() => cache(named, { ttl, backend: null })).not.toThrow();
  });

  it('rejects an unknown option and suggests the nearest known one', () => {
    const error = configError(() => cache(named, { tll: 5 } as never));
    expect(error.message).toMatch(/Unknown option `tll`/);
    expect(error.message).toMatch(/Did you mean `ttl`/);
  });

  it('rejects unknown and invalid l1 settings', () => {
    expect(configError(() => cache(named, { l1: { maxbytes: 5 } as never })).message).toMatch(/l1\.maxbytes.*l1\.maxBytes|Did you mean `maxBytes`/);
    expect(configError(() => cache(named, { l1: { swrThreshold: 0 } })).message).toMatch(/l1\.swrThreshold/);
    expect(configError(() => cache(named, { l1: { swrThreshold: 1.5 } })).message).toMatch(/l1\.swrThreshold/);
    expect(configError(() => cache(named, { l1: { mode: 'copy' as never } })).message).toMatch(/l1\.mode/);
    expect(configError(() => cache(named, { l1: { maxBytes: -1 } })).message).toMatch(/l1\.maxBytes/);
  });

  it('rejects a bad serializer, backend, key, refreshTtlOnGet and logger', () => {
    expect(configError(() => cache(named, { serializer: 'pickle' as never })).message).toMatch(/serializer/);
    expect(configError(() => cache(named, { backend: 42 as never })).message).toMatch(/backend/i);
    expect(configError(() => cache(named, { key: 'fixed' as never })).message).toMatch(/`key` must be a function/);
    expect(configError(() => cache(named, { refreshTtlOnGet: { threshold: 2 } })).message).toMatch(/refreshTtlOnGet\.threshold/);
    expect(configError(() => cache(named, { logger: {} as never })).message).toMatch(/logger/);
  });

  it('rejects invalid reliability settings with the option path', () => {
    const error = configError(() =>
      cache(named, { backend: new MemoryBackend(), reliability: { circuitBreaker: { successThreshold: 9, halfOpenRequests: 2 } } }),
    );
    expect(error.message).toMatch(/reliability\.circuitBreaker\.successThreshold/);
  });

  it('refuses an anonymous function without a name, since its keys could collide', () => {
    const error = configError(() => cache((() => async () => 1)()));
    expect(error.message).toMatch(/anonymous/);
    expect(error.message).toMatch(/`name/);
  });

  it('takes (fn, options) or (options) but not (options, fn)', () => {
    expect(() => (cache as unknown as (a: unknown, b: unknown) => unknown)({ ttl: 1 }, named)).toThrow(ConfigurationError);
  });
});

describe('presets', () => {
  it('cache.secure refuses to start without encryption rather than store plaintext', () => {
    expect(configError(() => cache.secure(named)).message).toMatch(/secure|plaintext|master key/i);
  });

  it('cache.secure rejects integrity: false and reference-mode L1 as contradictions', () => {
    expect(configError(() => cache.secure(named, { integrity: false })).message).toMatch(/contradicts cache\.secure/);
    expect(configError(() => cache.secure(named, { l1: { mode: 'reference' } })).message).toMatch(/contradicts cache\.secure/);
  });

  it('cache.local rejects options that need serialization or a backend', () => {
    for (const options of [{ backend: new MemoryBackend() }, { serializer: 'json' }, { integrity: true }, { encryption: {} }]) {
      expect(configError(() => cache.local(named, options as never)).message).toMatch(/contradicts cache\.local/);
    }
  });

  it('minimal and test use no integrity envelope (key flag 0); default, dev and production use it (1)', async () => {
    const backend = new RecordingBackend();
    const cases: Array<[typeof cache.minimal, string, string]> = [
      [cache.minimal, 'minimal', ':0s'],
      [cache.test, 'test', ':0s'],
      [cache.production, 'production', ':1s'],
      [cache, 'default', ':1s'],
      [cache.dev, 'dev', ':1s'],
    ];
    for (const [factory, preset, suffix] of cases) {
      const name = `preset_${preset}`;
      const f = factory(async () => 1, { backend, name, module: 'presets' });
      await f();
      await f.flush();
      expect(f.getHealthStatus().preset).toBe(preset);
      const write = backend.writes.find((w) => w.key.startsWith(`t:default:func:presets:${name}:args:`));
      expect(write?.key.endsWith(suffix)).toBe(true);
    }
  });

  it('production turns the distributed lock on; the default preset leaves it off', () => {
    const backend = new MemoryBackend();
    const prod = cache.production(named, { backend });
    const plain = cache(named, { backend, name: 'plainNamed' });
    expect(prod.getHealthStatus()).toMatchObject({ preset: 'production', distributedLock: true });
    expect(plain.getHealthStatus()).toMatchObject({ preset: 'default', distributedLock: false });
    const optedIn = cache(named, { backend, name: 'optedIn', reliability: { lock: { waitTimeoutMs: 100 } } });
    expect(optedIn.getHealthStatus().distributedLock).toBe(true);
  });
});

describe('environment variables', () => {
  afterEach(() => {
    delete process.env.CACHEKIT_DEFAULT_TTL;
    reloadEnvironment();
  });

  it('parses and validates every variable', () => {
    expect(
      parseEnvironment({
        CACHEKIT_DEFAULT_TTL: '10m',
        CACHEKIT_NAMESPACE: 'svc',
        CACHEKIT_L1_ENABLED: 'false',
        CACHEKIT_L1_MAX_SIZE_MB: '2',
        CACHEKIT_L1_MAX_ENTRIES: '500',
        CACHEKIT_L1_CLEANUP_INTERVAL_SECONDS: '5',
        CACHEKIT_MAX_VALUE_SIZE: '1000',
        CACHEKIT_LOG_LEVEL: 'DEBUG',
      }),
    ).toEqual({
      defaultTtlSeconds: 600,
      namespace: 'svc',
      l1Enabled: false,
      l1MaxBytes: 2 * 1024 * 1024,
      l1MaxEntries: 500,
      l1SweepIntervalMs: 5000,
      maxValueBytes: 1000,
      logLevel: 'debug',
    });
  });

  it.each([
    ['CACHEKIT_DEFAULT_TTL', '-5'],
    ['CACHEKIT_L1_ENABLED', 'maybe'],
    ['CACHEKIT_L1_MAX_SIZE_MB', '0'],
    ['CACHEKIT_L1_MAX_ENTRIES', '2.5'],
    ['CACHEKIT_LOG_LEVEL', 'loud'],
  ])('%s=%s is a ConfigurationError naming the variable', (name, value) => {
    expect(() => parseEnvironment({ [name]: value })).toThrow(new RegExp(name));
  });

  it('CACHEKIT_DEFAULT_TTL applies when ttl is not given, and an explicit ttl wins', async () => {
    process.env.CACHEKIT_DEFAULT_TTL = '90s';
    reloadEnvironment();
    const backend = new RecordingBackend();
    const f = cache(async () => 'v', { backend, name: 'envTtl', module: 'env', l1: false });
    const g = cache(async () => 'v', { backend, name: 'explicitTtl', module: 'env', l1: false, ttl: 3600 });
    await f();
    await g();
    await f.flush();
    await g.flush();
    expect(backend.writes.find((w) => w.key.includes('env:envTtl'))?.ttlSeconds).toBe(90);
    expect(backend.writes.find((w) => w.key.includes('env:explicitTtl'))?.ttlSeconds).toBe(3600);
  });
});
