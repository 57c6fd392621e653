import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');
const fixtures = path.join(root, '__test__', 'fixtures', 'decorators');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

describe.each([
  ['TC39 standard decorators', 'tsconfig.standard.json', 'ConfigurationError'],
  ['experimentalDecorators (NestJS style)', 'tsconfig.legacy.json', true],
])('@cached under %s', (_mode, tsconfig, tagsBeforeInstance) => {
  const project = path.join(fixtures, tsconfig);
  /** What scenario.ts reports under this tsconfig: one run, read by each test below. */
  let report: Promise<Record<string, unknown>> | undefined;
  const scenarioReport = () =>
    (report ??= run(process.execPath, ['--import', 'tsx', path.join(fixtures, 'scenario.ts')], {
      cwd: root,
      env: { ...process.env, TSX_TSCONFIG_PATH: project },
    }).then(({ stdout }) => JSON.parse(stdout)));

  it('type-checks with tsc', async () => {
    await expect(run(process.execPath, [tsc, '-p', project], { cwd: root })).resolves.toBeDefined();
  }, 120_000);

  it('caches per method, shares across instances, separates classes, honours key(this)', async () => {
    const report = await scenarioReport();
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

  it('controls.many(self, argsList) answers in order on self, once per key; invalidateTags reaches the method', async () => {
    const report = await scenarioReport();
    expect(report.manyFirst).toEqual(['1 EUR', '2 EUR', '1 EUR']); // `this` was the instance
    expect(report.manySecond).toEqual(['1 EUR', '3 EUR']);
    expect(report.tagsStamped).toBe(true);
    expect(report.afterTags).toBe('1 EUR');
    expect(report.priceRuns).toEqual([1, 2, 3, 1]); // 1 and 2 once, 3 once, 1 again after its tag went
    expect(report.batchedMany).toEqual(['1 EUR (batch)', '2 EUR (batch)']); // loadMany ran with this = eur
    expect(report.batches).toEqual([[1, 2]]);
    // Legacy decorators know the class at decoration; standard ones only from its first instance.
    expect(report.tagsBeforeInstance).toBe(tagsBeforeInstance);
    expect(report.manyWithoutSelf).toBe('ConfigurationError');
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
