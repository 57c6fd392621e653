import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');
const fixtures = path.join(root, '__test__', 'fixtures', 'decorators');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

describe.each([
  ['TC39 standard decorators', 'tsconfig.standard.json'],
  ['experimentalDecorators (NestJS style)', 'tsconfig.legacy.json'],
])('@cached under %s', (_mode, tsconfig) => {
  const project = path.join(fixtures, tsconfig);

  it('type-checks with tsc', async () => {
    await expect(run(process.execPath, [tsc, '-p', project], { cwd: root })).resolves.toBeDefined();
  }, 120_000);

  it('caches per method, shares across instances, separates classes, honours key(this)', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(fixtures, 'scenario.ts')], {
      cwd: root,
      env: { ...process.env, TSX_TSCONFIG_PATH: project },
    });
    const report = JSON.parse(stdout);
    expect(report.first).toEqual({ id: 1, by: 'a' });
    expect(report.second).toEqual({ id: 1, by: 'a' }); // served from the shared cache
    expect(report.order).toEqual({ order: 1 });
    expect(report.calls).toEqual({ a: 2, b: 1 }); // a: get + perInstance; b: perInstance only
    expect(report.perInstance).toEqual(['a', 'b']);
    expect(report.staticSame).toBe(true);
    expect(report.info).toEqual({ hits: 1, misses: 1 });
    expect(report.invalidated).toBe(true); // cached.controls(...).invalidate(1) removed the entry
    expect(report.recomputed).toBe(3); // so a.get(1) ran again
  }, 120_000);
});

describe('cached.controls', () => {
  it('refuses a function @cached did not decorate, naming it and the fix', async () => {
    const { cached } = await import('../../src/decorators');
    const { ConfigurationError } = await import('../../src/errors');
    async function plain(id: number) {
      return id;
    }
    expect(() => cached.controls(plain)).toThrow(ConfigurationError);
    expect(() => cached.controls(plain)).toThrow(/plain\(\) is not one\. Fix: decorate it with @cached\(\)/);
  });
});
