/**
 * The package as users get it: the release packages are staged, packed with `npm pack`, served
 * by a registry on loopback and installed with `npm install` into an empty project, with no
 * Rust toolchain on PATH (support/installed-package.ts). The project's files come from
 * fixtures/installed-app: ES module and CommonJS apps, the one-state check, TypeScript checks
 * under node16, bundler and the NestJS defaults, and the README quick start against a real
 * redis-server. publint and @arethetypeswrong/cli check the main tarball.
 */
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  directoryBytes,
  emptyProject,
  npmInstall,
  packRelease,
  pathWithoutRust,
  REPOSITORY_ROOT,
  runCommand,
  TSC,
  TYPE_ROOTS,
  type CommandResult,
  type PackedRelease,
} from '../support/installed-package';
import { runnableBlock } from '../support/readme-blocks';

const FIXTURES = path.join(REPOSITORY_ROOT, '__test__', 'fixtures', 'installed-app');
const BIN = path.join(REPOSITORY_ROOT, 'node_modules', '.bin');
/** BLAKE2b-256 of no bytes. */
const EMPTY_DIGEST = '0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8';
/** The goal for the installed size of cachekit and its platform package (ioredis aside). */
const INSTALLED_GOAL_BYTES = 1.5 * 1024 * 1024;

let release: PackedRelease;
let project: string;
let install: CommandResult;

function expectSuccess(result: CommandResult): void {
  expect(result.code, `${result.stderr}\n${result.stdout}`).toBe(0);
}

/** Runs a file of the project with node, in the user's environment. */
function node(file: string, env: Record<string, string> = {}): Promise<CommandResult> {
  return runCommand(process.execPath, [file], { cwd: project, env: { ...release.env, ...env } });
}

function tsc(args: string[]): Promise<CommandResult> {
  return runCommand(process.execPath, [TSC, '--typeRoots', TYPE_ROOTS, ...args], { cwd: project, env: release.env });
}

beforeAll(async () => {
  release = await packRelease();
  project = emptyProject(release, 'app');
  cpSync(FIXTURES, project, { recursive: true });
  install = await npmInstall(release, project, [`cachekit@${release.version}`]);
}, 180_000);

afterAll(async () => {
  await release?.close();
});

describe('the packed release, installed into an empty project', () => {
  it('installs with npm from the registry with no Rust toolchain on PATH, taking the host platform package', () => {
    expectSuccess(install);
    expect(pathWithoutRust(release.env.PATH)).toBe(release.env.PATH);
    const installed = JSON.parse(readFileSync(path.join(project, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
    expect(installed.packages['node_modules/cachekit']?.version).toBe(release.version);
    expect(installed.packages[`node_modules/${release.platformPackage}`]?.version).toBe(release.version);
    expect(existsSync(path.join(project, 'node_modules', release.platformPackage))).toBe(true);
  });

  it('an ES module app uses every public entry', async () => {
    const result = await node('esm.mjs');
    expectSuccess(result);
    expect(JSON.parse(result.stdout)).toEqual({ values: [42, 42], runs: 1, storedUnderDocumentedKey: true, emptyDigest: EMPTY_DIGEST, conformance: 'function' });
  });

  it('a CommonJS app uses every public entry', async () => {
    const result = await node('cjs.cjs');
    expectSuccess(result);
    expect(JSON.parse(result.stdout)).toEqual({ values: [42, 42], runs: 1, storedUnderDocumentedKey: true, emptyDigest: EMPTY_DIGEST, conformance: 'function' });
  });

  it('import and require expose the same names on every entry', async () => {
    const result = await node('names.mjs');
    expectSuccess(result);
    const report = JSON.parse(result.stdout) as Record<string, { imported: string[]; required: string[] }>;
    expect(Object.keys(report)).toEqual(['cachekit', 'cachekit/native', 'cachekit/keys', 'cachekit/testing']);
    for (const [entry, { imported, required }] of Object.entries(report)) {
      expect(imported, entry).toEqual(required);
      expect(imported.length, entry).toBeGreaterThan(0);
    }
  });

  it('one state per process: import and require share the logger, error classes, L1 and default backend', async () => {
    const result = await node('one-state.mjs');
    expectSuccess(result);
    expect(JSON.parse(result.stdout)).toEqual({
      sameModule: true,
      loggerShared: true,
      errorShared: true,
      defaultBackendShared: true,
      l1Runs: 1,
      secondL1Hits: 1,
    });
  });

  it('a memory-backed app never loads ioredis; the first RedisBackend does', async () => {
    const result = await node('memory-app.cjs');
    expectSuccess(result);
    expect(JSON.parse(result.stdout)).toEqual({ beforeRedis: false, afterRedis: true });
  });

  it('loading cachekit loads neither node:crypto, node:fs/promises nor perf_hooks; a memory-backed call needs neither of the first two', async () => {
    const result = await node('startup-app.cjs');
    expectSuccess(result);
    expect(JSON.parse(result.stdout)).toEqual({ onLoad: [], afterMemoryCall: [] });
  });

  // The TypeScript checks spend their time in tsc: run them side by side.
  describe.concurrent('TypeScript users', () => {
    it.each([
      ['node16 (ES module and CommonJS files)', 'ts/tsconfig.node16.json'],
      ['bundler', 'ts/tsconfig.bundler.json'],
    ])('type-checks under moduleResolution %s', async (_label, tsconfig) => {
      expectSuccess(await tsc(['-p', tsconfig]));
    }, 120_000);

    it('compiles and runs under the NestJS defaults (CommonJS, node10 resolution, experimentalDecorators)', async () => {
      expectSuccess(await tsc(['-p', 'ts/nest/tsconfig.json']));
      const result = await node('ts/nest/out/users.service.js');
      expectSuccess(result);
      expect(JSON.parse(result.stdout)).toEqual({ calls: 1, hits: 1, removed: true, emptyDigest: EMPTY_DIGEST, key: true });
    }, 120_000);

    it('runs the README quick start, compiled with tsc, against a real redis-server', async () => {
      const quickStart = runnableBlock('Quick start');
      writeFileSync(path.join(project, 'ts', 'quickstart.ts'), quickStart.code);
      expectSuccess(await tsc(['-p', 'ts/tsconfig.quickstart.json']));
      const result = await node('ts/quickstart-out/quickstart.js', { REDIS_URL: inject('redisUrl') });
      expectSuccess(result);
    }, 120_000);
  });

  it('publint and @arethetypeswrong/cli find no problems in the main tarball', async () => {
    const installedPackage = path.join(project, 'node_modules', 'cachekit');
    const publint = await runCommand(process.execPath, [path.join(BIN, 'publint'), '--strict', installedPackage], { cwd: project, env: release.env });
    expectSuccess(publint);
    const attw = await runCommand(process.execPath, [path.join(BIN, 'attw'), release.mainTarball, '--format', 'table-flipped'], { cwd: project, env: release.env });
    expectSuccess(attw);
    expect(attw.stdout).toContain('No problems found');
  }, 120_000);

  it(`installs in at most ${INSTALLED_GOAL_BYTES} bytes without ioredis, and reports the sizes`, () => {
    const modules = path.join(project, 'node_modules');
    const main = directoryBytes(path.join(modules, 'cachekit'));
    const platform = directoryBytes(path.join(modules, release.platformPackage));
    const binary = statSync(path.join(modules, release.platformPackage, `cachekit.${release.platformPackage.replace(/^cachekit-/, '')}.node`)).size;
    const sizes = {
      mainTarball: statSync(release.mainTarball).size,
      platformTarball: statSync(release.platformTarball).size,
      installedMain: main,
      installedPlatform: platform,
      nodeBinary: binary,
      installedIoredisTree: directoryBytes(modules) - main - platform,
    };
    console.log(`package sizes (bytes): ${JSON.stringify(sizes)}`);
    expect(main + platform).toBeLessThanOrEqual(INSTALLED_GOAL_BYTES);
    // No source maps (they embedded all of src/) and no sources.
    const files = readdirSync(path.join(modules, 'cachekit'), { recursive: true, encoding: 'utf8' });
    expect(files.filter((file) => file.endsWith('.map') || file.startsWith('src'))).toEqual([]);
  });
});
