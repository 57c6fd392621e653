/**
 * `npm test` starts with scripts/check-tools.mjs: on a machine that lacks what the suite runs,
 * it says exactly what to install and stops, instead of failing halfway through a build.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../support/installed-package';

const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'check-tools.mjs');
const emptyDir = mkdtempSync(path.join(tmpdir(), 'cachekit-no-tools-'));
afterAll(() => rmSync(emptyDir, { recursive: true, force: true }));

describe('the set-up npm test runs first', () => {
  it('on a machine without the tools (and not allowed to install): names each one and the exact install commands, and fails', async () => {
    const result = await runCommand(process.execPath, [SCRIPT], { cwd: emptyDir, env: { PATH: emptyDir, CACHEKIT_NO_INSTALL: '1' } });
    expect(result.code).toBe(1);
    for (const tool of ['cargo', 'redis-server', 'redis-sentinel', 'redis-cli', 'python3', 'go']) expect(result.stderr).toContain(`- ${tool}`);
    expect(result.stderr).toContain('sudo apt-get install -y redis-server redis-sentinel redis-tools python3 python3-venv python3-pip golang-go');
    expect(result.stderr).toContain('rustup');
  });

  it('on this machine, which runs the suite: passes without installing anything', async () => {
    const result = await runCommand(process.execPath, [SCRIPT], { cwd: emptyDir, env: { ...process.env, CACHEKIT_NO_INSTALL: '1' } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
