/**
 * Loads the official protocol test vectors: from ../shared/protocol-vectors when present,
 * otherwise from the checked-in copy in test-vectors/. Either way the file's SHA-256 must
 * equal the pin in test-vectors/SHA256SUMS, so a test can never pass on altered vectors.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');
const pinnedDir = path.join(repoRoot, 'test-vectors');
const sharedDir = path.resolve(repoRoot, '..', 'shared', 'protocol-vectors');

function pins(): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of readFileSync(path.join(pinnedDir, 'SHA256SUMS'), 'utf8').split('\n')) {
    const [hash, name] = line.trim().split(/\s+/);
    if (hash && name) map.set(name, hash);
  }
  return map;
}

/** Parsed JSON of the named vector file (e.g. `wire-format.json`), after its sha256 check. */
export function loadVectors<T = any>(name: string): T {
  const expected = pins().get(name);
  if (!expected) throw new Error(`no sha256 pin for ${name} in test-vectors/SHA256SUMS`);
  const shared = path.join(sharedDir, name);
  const file = existsSync(shared) ? shared : path.join(pinnedDir, name);
  const bytes = readFileSync(file);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expected) throw new Error(`${file}: sha256 ${actual} does not match the pin ${expected}`);
  return JSON.parse(bytes.toString('utf8')) as T;
}

/** Bytes of a hex string (strict). */
export function hex(value: string): Buffer {
  if (value.length % 2 !== 0 || /[^0-9a-fA-F]/.test(value)) throw new Error(`not hex: ${value.slice(0, 40)}`);
  return Buffer.from(value, 'hex');
}
