/**
 * The native binary ships in per-platform optional dependencies. These are the ways an install
 * can lose it, each run with real npm installs from the packed release
 * (support/installed-package.ts), and what a user then sees: the binary loads, or loading
 * cachekit fails with an error that names the exact package and version to install, and
 * installing it fixes the app. (The README's Packaging section explains why the main package
 * carries no fallback binaries.)
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyProject, npmInstall, packRelease, runCommand, type CommandResult, type PackedRelease } from '../support/installed-package';

let release: PackedRelease;
/** `cachekit-<platform>@<version>`: what the error must tell the user to install. */
let exactPackage: string;

beforeAll(async () => {
  release = await packRelease({ otherPlatforms: true });
  exactPackage = `${release.platformPackage}@${release.version}`;
}, 180_000);

afterAll(async () => {
  await release?.close();
});

const REQUIRE = "try { require('cachekit'); console.log('loaded'); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }";
const IMPORT = "import 'cachekit'; console.log('loaded');";

/** What `require` and a static `import` of cachekit do in a project: load, or fail with this error text. */
interface LoadReport {
  required: 'loaded' | { code: string; message: string };
  /** An ES module app cannot catch its own static import: it exits, printing the error. */
  imported: 'loaded' | string;
}

async function loadBothWays(project: string): Promise<LoadReport> {
  const required = await runCommand(process.execPath, ['-e', REQUIRE], { cwd: project, env: release.env });
  expect(required.code, required.stderr).toBe(0);
  const imported = await runCommand(process.execPath, ['--input-type=module', '-e', IMPORT], { cwd: project, env: release.env });
  return {
    required: required.stdout.trim() === 'loaded' ? 'loaded' : (JSON.parse(required.stdout) as { code: string; message: string }),
    imported: imported.code === 0 && imported.stdout.trim() === 'loaded' ? 'loaded' : imported.stderr,
  };
}

function hasPlatformPackage(project: string): boolean {
  return existsSync(path.join(project, 'node_modules', release.platformPackage, 'package.json'));
}

function expectSuccess(result: CommandResult): void {
  expect(result.code, `${result.stderr}\n${result.stdout}`).toBe(0);
}

/** The error a user meets without the binary, and the fix it names, applied. */
async function expectNamedFixWorks(project: string): Promise<void> {
  const missing = await loadBothWays(project);
  expect(missing.required).toMatchObject({ code: 'ERR_NATIVE_BINDING_MISSING' });
  for (const text of [(missing.required as { message: string }).message, missing.imported as string]) {
    expect(text).toContain(`npm install ${exactPackage}`);
    expect(text).toContain('--omit=optional');
    expect(text).toContain('lockfile');
  }
  expect(missing.imported).toContain('ERR_NATIVE_BINDING_MISSING');
  expectSuccess(await npmInstall(release, project, [exactPackage]));
  expect(await loadBothWays(project)).toEqual({ required: 'loaded', imported: 'loaded' });
}

describe('when an install drops the platform package', () => {
  it('--omit=optional: loading names the exact package, version and pitfall, and installing it fixes the app', async () => {
    const project = emptyProject(release, 'omit-optional');
    expectSuccess(await npmInstall(release, project, ['--omit=optional', `cachekit@${release.version}`]));
    expect(hasPlatformPackage(project)).toBe(false);
    await expectNamedFixWorks(project);
  }, 120_000);

  it('a lockfile written on another platform: npm ci here installs this platform package', async () => {
    const project = emptyProject(release, 'foreign-lockfile');
    expectSuccess(await npmInstall(release, project, ['--os=darwin', '--cpu=arm64', `cachekit@${release.version}`]));
    expect(hasPlatformPackage(project)).toBe(false);
    rmSync(path.join(project, 'node_modules'), { recursive: true });
    expectSuccess(await runCommand('npm', ['ci', '--no-audit', '--no-fund'], { cwd: project, env: release.env }));
    expect(hasPlatformPackage(project)).toBe(true);
    expect(await loadBothWays(project)).toEqual({ required: 'loaded', imported: 'loaded' });
  }, 120_000);

  it('a lockfile regenerated over another platform node_modules (npm/cli#4828): the binary loads, or the error names the fix that works', async () => {
    const project = emptyProject(release, 'regenerated-lockfile');
    expectSuccess(await npmInstall(release, project, ['--os=darwin', '--cpu=arm64', `cachekit@${release.version}`]));
    rmSync(path.join(project, 'package-lock.json'));
    expectSuccess(await npmInstall(release, project, ['--os=darwin', '--cpu=arm64']));
    rmSync(path.join(project, 'node_modules'), { recursive: true });
    expectSuccess(await runCommand('npm', ['ci', '--no-audit', '--no-fund'], { cwd: project, env: release.env }));
    // npm 11 keeps every platform in the lockfile (npm/cli#8127); npm 10, bundled with Node 20
    // and 22, drops the other platforms' packages here. Either way the user is never left with
    // napi's generic error.
    if (hasPlatformPackage(project)) {
      expect(await loadBothWays(project)).toEqual({ required: 'loaded', imported: 'loaded' });
    } else {
      await expectNamedFixWorks(project);
    }
  }, 120_000);
});
