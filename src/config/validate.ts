/**
 * Small validators shared by option resolution. Each throws `ConfigurationError` naming the
 * option, the value and the fix.
 */
import { ConfigurationError } from '../errors';
import { describeValue } from '../describe-value';

/** Throws unless `value` is a boolean or undefined. */
export function optionalBoolean(value: unknown, option: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new ConfigurationError(`Option \`${option}\` must be true or false; got ${describeValue(value)}.`);
}

/** Throws unless `value` is a finite number in [min, max] (or undefined). */
export function optionalNumberInRange(
  value: unknown,
  option: string,
  min: number,
  max: number,
  { integer = false, exclusiveMin = false }: { integer?: boolean; exclusiveMin?: boolean } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (exclusiveMin ? value > min : value >= min) &&
    value <= max &&
    (!integer || Number.isInteger(value));
  if (ok) return value;
  const range = `${exclusiveMin ? '(' : '['}${min}, ${max === Number.MAX_SAFE_INTEGER ? '∞' : max}]`;
  throw new ConfigurationError(
    `Option \`${option}\` must be ${integer ? 'an integer' : 'a number'} in ${range}; got ${describeValue(value)}.`,
  );
}

/** Throws unless `value` is a non-empty string without control characters (or undefined). */
export function optionalName(value: unknown, option: string): string | undefined {
  if (value === undefined) return undefined;
  // eslint-disable-next-line no-control-regex
  if (typeof value === 'string' && value.length > 0 && value.length <= 200 && !/[\u0000-\u001f]/.test(value)) return value;
  throw new ConfigurationError(
    `Option \`${option}\` must be a non-empty string of at most 200 characters without control characters; got ${describeValue(value)}.`,
  );
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** Throws for keys of `options` not in `known`, suggesting the nearest known name. */
export function rejectUnknownOptions(options: object, known: readonly string[], where: string): void {
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const nearest = [...known].sort((x, y) => editDistance(name, x) - editDistance(name, y))[0];
    const hint = nearest !== undefined && editDistance(name, nearest) <= 3 ? ` Did you mean \`${nearest}\`?` : '';
    throw new ConfigurationError(
      `Unknown option \`${where}${name}\`.${hint} Known options: ${known.join(', ')}.`,
    );
  }
}
