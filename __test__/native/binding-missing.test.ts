/**
 * The error a user meets when no native binary loads, for hosts this machine is not (the
 * installed-package tests meet the real one on this host), and the platform names it uses,
 * which must be those of the platform packages in npm/.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingBindingMessage, platformOfHost, platformOfTriple } from '../../src/native-loader';

const ROOT = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; napi: { targets: string[] } };

describe('native binary platforms', () => {
  it('names each napi target as its npm/ platform package folder, one folder per target', () => {
    expect(manifest.napi.targets.map(platformOfTriple).sort()).toEqual(readdirSync(path.join(ROOT, 'npm')).sort());
  });

  it('names hosts as napi does', () => {
    expect(platformOfHost({ platform: 'linux', arch: 'x64', libc: 'glibc' })).toBe('linux-x64-gnu');
    expect(platformOfHost({ platform: 'linux', arch: 'arm64', libc: 'musl' })).toBe('linux-arm64-musl');
    expect(platformOfHost({ platform: 'darwin', arch: 'arm64' })).toBe('darwin-arm64');
    expect(platformOfHost({ platform: 'win32', arch: 'x64' })).toBe('win32-x64-msvc');
  });
});

describe('the error when no native binary loads', () => {
  it('on a supported host without its package: names the exact package and version, and the optional-dependency pitfalls', () => {
    const message = missingBindingMessage(manifest, { platform: 'darwin', arch: 'arm64' }, false);
    expect(message).toContain(`npm install cachekit-darwin-arm64@${manifest.version}`);
    expect(message).toContain('--omit=optional');
    expect(message).toContain('lockfile written on another platform');
  });

  it('on a supported host whose package is installed but broken: says to reinstall that exact version', () => {
    const message = missingBindingMessage(manifest, { platform: 'linux', arch: 'arm64', libc: 'glibc' }, true);
    expect(message).toContain(`npm install cachekit-linux-arm64-gnu@${manifest.version}`);
    expect(message).toContain('see cause');
  });

  it('on a host no binary is built for (Alpine/musl): lists the platforms there are binaries for and the ways out', () => {
    const message = missingBindingMessage(manifest, { platform: 'linux', arch: 'x64', libc: 'musl' }, false);
    expect(message).toContain('no prebuilt native binary for linux-x64-musl');
    for (const triple of manifest.napi.targets) expect(message).toContain(platformOfTriple(triple));
    expect(message).toContain('glibc-based image');
    expect(message).not.toContain('npm install cachekit-linux-x64-musl');
  });
});

describe('NAPI_RS_NATIVE_LIBRARY_PATH', () => {
  /** Loads the built package's native entry in a child process with `libraryPath` set; returns what it printed. */
  function loadWith(libraryPath: string): { code?: string; message?: string; loaded?: boolean } {
    const script =
      "try { require('./dist/native.cjs').blake2b256(Buffer.alloc(0)); console.log(JSON.stringify({ loaded: true })); }" +
      ' catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }';
    const output = execFileSync(process.execPath, ['-e', script], { cwd: ROOT, env: { ...process.env, NAPI_RS_NATIVE_LIBRARY_PATH: libraryPath }, encoding: 'utf8' });
    return JSON.parse(output) as { code?: string; message?: string; loaded?: boolean };
  }

  it('loads the binary it names', () => {
    const local = readdirSync(ROOT).find((file) => file.startsWith('cachekit.') && file.endsWith('.node'));
    expect(local, 'a local build of the native addon').toBeDefined();
    expect(loadWith(path.join(ROOT, local!))).toEqual({ loaded: true });
  });

  it('naming a file that does not load: the error names the variable and the fix, not the platform package', () => {
    const result = loadWith(path.join(ROOT, 'no-such-binary.node'));
    expect(result.code).toBe('ERR_NATIVE_BINDING_MISSING');
    expect(result.message).toContain('NAPI_RS_NATIVE_LIBRARY_PATH');
    expect(result.message).toContain('unset it');
    expect(result.message).not.toContain('npm install');
  });
});
