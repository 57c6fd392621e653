/**
 * Test-side readers for the protocol's JSON vectors, turning their inputs into the JS values a
 * caller would pass:
 * - `parseJsonKeepingFloats`: a JSON parser that returns `float64(x)` for number literals
 *   written with a fraction or exponent (`3.0`), which `JSON.parse` cannot tell from `3`;
 * - `fromTagged`: interop-mode's tagged JSON (`$int`, `$float`, `$set`, `$bytes`, `$datetime`,
 *   `$uuid`) to BigInt, Float64, Set, Buffer, IsoDateTime and Uuid.
 * Objects are built with own data properties, so a `__proto__` key stays a key.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Float64, isoDateTime, uuid } from '../../../src/msgpack/tagged-values';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** Raw text of a pinned vector file, after the same sha256 check `loadVectors` does. */
export function loadVectorText(name: string): string {
  const sums = readFileSync(path.join(repoRoot, 'test-vectors', 'SHA256SUMS'), 'utf8');
  const pin = sums
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find(([, file]) => file === name)?.[0];
  if (!pin) throw new Error(`no pin for ${name}`);
  const bytes = readFileSync(path.join(repoRoot, 'test-vectors', name));
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== pin) throw new Error(`${name}: sha256 ${actual} does not match the pin ${pin}`);
  return bytes.toString('utf8');
}

/** JSON.parse, except that `1.0`-style literals become `float64()` markers. */
export function parseJsonKeepingFloats(text: string): unknown {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: [string, unknown][] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return Object.fromEntries(entries);
      }
      for (;;) {
        ws();
        const key = value() as string;
        ws();
        i++; // ':'
        entries.push([key, value()]);
        ws();
        if (text[i++] === '}') return Object.fromEntries(entries);
      }
    }
    if (c === '[') {
      i++;
      const items: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return items;
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i++] === ']') return items;
      }
    }
    if (c === '"') {
      const start = i;
      i++;
      while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      return JSON.parse(text.slice(start, i)) as string;
    }
    const literal = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400))![0];
    i += literal.length;
    const parsed = JSON.parse(literal) as unknown;
    return typeof parsed === 'number' && /[.eE]/.test(literal) ? new Float64(parsed) : parsed;
  };
  return value();
}

/** Interop tagged JSON → JS values. */
export function fromTagged(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromTagged);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  const record = value as Record<string, unknown>;
  if (keys.length === 1 && keys[0]!.startsWith('$')) {
    const tag = keys[0]!;
    const inner = record[tag];
    switch (tag) {
      case '$int':
        return BigInt(inner as string);
      case '$float':
        return new Float64(Number.parseFloat(inner as string));
      case '$set':
        return new Set((inner as unknown[]).map(fromTagged));
      case '$bytes':
        return Buffer.from(inner as string, 'hex');
      case '$datetime':
        return isoDateTime(inner as string);
      case '$uuid':
        return uuid(inner as string);
      default:
        throw new Error(`unknown tag ${tag}`);
    }
  }
  return Object.fromEntries(keys.map((key) => [key, fromTagged(record[key])]));
}
