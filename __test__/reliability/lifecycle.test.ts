import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

const SCRIPT = path.join(__dirname, 'support', 'exit-check.ts');

function run(mode: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, mode], { cwd: path.join(__dirname, '..', '..') });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout }));
  });
}

describe('lifecycle', () => {
  // If any timer or handle kept the event loop alive, the child would never exit and the test
  // would hit its timeout.
  test.each(['close', 'no-close'])('a process with pending reliability work exits by itself (%s)', async (mode) => {
    const { code, stdout } = await run(mode);
    expect(stdout).toBe('returned\n');
    expect(code).toBe(0);
  }, 20_000);
});
