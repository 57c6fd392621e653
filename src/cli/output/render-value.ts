/**
 * Decoded values, shown as what they are: dates as dates, bytes as bytes, big integers as
 * integers. For people, Node's inspector (it quotes and escapes strings, so stored text cannot
 * drive the terminal); for scripts, plain JSON with tagged objects for what JSON lacks.
 */
import { inspect } from 'node:util';

/** A readable, indented rendering of a decoded value (long arrays and strings cut). */
export function readableValue(value: unknown): string {
  return inspect(value, { depth: 8, colors: false, maxArrayLength: 50, maxStringLength: 500, breakLength: 100, sorted: false });
}

/**
 * A JSON-safe copy of a decoded value: Dates become `{"$date": iso}`, bytes `{"$bytes": base64}`,
 * BigInts `{"$bigint": "…"}`, Maps `{"$map": [[k, v], …]}`, Sets `{"$set": […]}`, undefined
 * `{"$undefined": true}` and non-finite numbers `{"$number": "NaN"}`. Other objects keep their
 * own `toJSON` (cachekit's tagged values have one) or their enumerable fields.
 */
export function jsonSafeValue(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $number: String(value) };
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (value === undefined) return { $undefined: true };
  if (typeof value !== 'object') return { $unsupported: typeof value };
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? { $date: null } : { $date: value.toISOString() };
  if (ArrayBuffer.isView(value)) return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (value instanceof ArrayBuffer) return { $bytes: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(jsonSafeValue);
  if (value instanceof Map) return { $map: [...value].map(([k, v]) => [jsonSafeValue(k), jsonSafeValue(v)]) };
  if (value instanceof Set) return { $set: [...value].map(jsonSafeValue) };
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return jsonSafeValue(toJSON.call(value));
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) copy[k] = jsonSafeValue(v);
  return copy;
}
