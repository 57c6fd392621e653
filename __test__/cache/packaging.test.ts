/**
 * The published entry points: ESM and CommonJS both load from dist/ (built by `npm test`) and
 * expose the same names; `cachekit/native` too. Runs real child processes so Node's own module
 * resolution (package exports, self-reference) is what is tested.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');

/** The values the root entry exports (types aside), sorted. */
const ROOT_VALUES = [
  'BackendError',
  'CachekitError',
  'ConfigurationError',
  'DecryptionError',
  'EncryptionError',
  'FactoryTimeoutError',
  'FileBackend',
  'IntegrityError',
  'KeyGenerationError',
  'MemoryBackend',
  'RedisBackend',
  'SerializationError',
  'TRACING_CHANNELS',
  'TenantError',
  'cache',
  'cached',
  'checkHealth',
  'closeSharedBackends',
  'createArrowSerializer',
  'currentCorrelationId',
  'currentTenant',
  'float64',
  'getLogger',
  'healthHandler',
  'invalidateTags',
  'isoDateTime',
  'registerMetrics',
  'runWithCorrelationId',
  'runWithTenant',
  'setDefaultBackend',
  'setLogOptions',
  'setLogger',
  'uuid',
];
const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });

describe('package entry points', () => {
  it('import and require expose the same names, and a cached function works through both', () => {
    const esm = JSON.parse(
      node(['--input-type=module', '-e', "import * as c from 'cachekit'; const f = c.cache(async function twice(n) { return n * 2 }, { backend: null }); console.log(JSON.stringify({ names: Object.keys(c).sort(), value: await f(21) }))"]),
    );
    const cjs = JSON.parse(
      node(['-e', "const c = require('cachekit'); const f = c.cache(async function twice(n) { return n * 2 }, { backend: null }); f(21).then((value) => console.log(JSON.stringify({ names: Object.keys(c).sort(), value })))"]),
    );
    expect(esm.value).toBe(42);
    expect(cjs.value).toBe(42);
    expect(cjs.names).toEqual(esm.names);
    // The root is what a user of the cache needs, each name a promise to keep: change this list
    // only on purpose. Native primitives live in cachekit/native, key functions in cachekit/keys,
    // the conformance suite in cachekit/testing, the OpenTelemetry bridge in cachekit/otel.
    expect(esm.names).toEqual(ROOT_VALUES);
  });

  it('cachekit/native loads in both module systems', () => {
    const esm = node(['--input-type=module', '-e', "import { blake2b256 } from 'cachekit/native'; console.log(blake2b256(new Uint8Array()).toString('hex'))"]).trim();
    const cjs = node(['-e', "console.log(require('cachekit/native').blake2b256(new Uint8Array()).toString('hex'))"]).trim();
    expect(esm).toBe('0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8');
    expect(cjs).toBe(esm);
  });

  it('declares types first in every exports condition', async () => {
    const pkg = (await import('../../package.json')).default as { exports: Record<string, unknown> };
    for (const [entry, conditions] of Object.entries(pkg.exports)) {
      if (typeof conditions === 'string') continue;
      for (const condition of Object.values(conditions as Record<string, Record<string, string>>)) {
        expect(Object.keys(condition)[0], entry).toBe('types');
      }
    }
  });
});
