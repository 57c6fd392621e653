/**
 * Master keys live in Rust only: once a cache is built, no JavaScript object the library keeps
 * holds a master key — neither its bytes (in any ArrayBuffer, pooled or not) nor its hex text
 * (in any string of the heap). Each case runs in a child process (retained-key-child.ts) that
 * builds and uses a cache, then searches its own heap; the parent searches the heap snapshot.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.join(__dirname, '..', '..');
const CHILD = path.join(__dirname, 'support', 'retained-key-child.ts');
const MASK = 0x5c;
const dir = mkdtempSync(path.join(tmpdir(), 'cachekit-retained-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ChildReport {
  runs: number;
  arrayBuffers: number;
  arrayBufferHits: number[];
}

function runChild(mode: string, keys: Buffer[], snapshot: string): Promise<ChildReport> {
  const hex = keys.map((key) => key.toString('hex'));
  const env: Record<string, string | undefined> = {
    ...process.env,
    KEY_MASKS: keys.map((key) => Buffer.from(key.map((byte) => byte ^ MASK)).toString('hex')).join(','),
    CACHEKIT_MASTER_KEY: undefined,
    CACHEKIT_PREVIOUS_MASTER_KEYS: undefined,
  };
  if (mode === 'env') {
    env.CACHEKIT_MASTER_KEY = hex[0];
    env.CACHEKIT_PREVIOUS_MASTER_KEYS = hex[1];
  } else {
    env.TEST_KEYS_HEX = hex.join(',');
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD, mode, snapshot], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`child (${mode}) exited with ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout) as ChildReport);
    });
  });
}

describe('no JavaScript object retains a master key after the cache is built', () => {
  it.each([
    ['from CACHEKIT_MASTER_KEY / CACHEKIT_PREVIOUS_MASTER_KEYS', 'env'],
    ['from hex strings in `encryption`', 'hex'],
    ['from Buffers in `encryption` (the caller drops its own)', 'buffer'],
    ['from hex strings in `integrity` (keyed integrity)', 'keyed'],
  ])('%s', async (_label, mode) => {
    const keys = [randomBytes(32), randomBytes(32)];
    const snapshot = path.join(dir, `${mode}.heapsnapshot`);
    const report = await runChild(mode, keys, snapshot);

    // The cache worked: three tenants computed once each, then read back.
    expect(report.runs).toBe(3);
    expect(report.arrayBuffers).toBeGreaterThan(0);
    const heap = readFileSync(snapshot, 'latin1');
    const hexInHeap = keys.flatMap((key, index) => {
      const hex = key.toString('hex');
      return [hex, hex.toUpperCase()].filter((text) => heap.includes(text)).map((text) => `key ${index} as ${text === hex ? 'lowercase' : 'uppercase'} hex`);
    });
    expect({ arrayBufferHits: report.arrayBufferHits, hexInHeap }).toEqual({ arrayBufferHits: [0, 0], hexInHeap: [] });
  }, 60_000);
});
