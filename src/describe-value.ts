/**
 * How error messages show a value the caller passed: short, never a dump of a large object,
 * never key material beyond what the caller typed.
 */

/** A short, safe description of a value for configuration errors (`got …`). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return `a function (${value.name || 'anonymous'})`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `an object (${(value as object).constructor?.name ?? 'null prototype'})`;
}

/** Type name for error messages: the constructor name of objects, `typeof` otherwise. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  if (Array.isArray(value)) return 'Array';
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null) return 'Object (null prototype)';
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'Object';
}
