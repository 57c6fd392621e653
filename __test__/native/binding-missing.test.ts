/**
 * The error a user meets when no native binary loads, for hosts this machine is not (the
 * installed-package tests meet the real one on this host), and the platform names it uses,
 * which must be those of the platform packages in npm/.
 */
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
