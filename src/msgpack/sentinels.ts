/**
 * cachekit-py's object hook, as the decoder applies it to maps with a `__`-prefixed key: a
 * truthy `__datetime__` (and, in the `standard` profile, `__date__` / `__time__`) marker turns
 * the map into a Date (CalendarDate, TimeOfDay) read from its `value` text; a marker without
 * a string `value`, or with text that is not an ISO value, is an error.
 */
import { dateFromIsoText } from './iso-datetime';
import { CalendarDate, TimeOfDay } from './tagged-values';
import { Undecodable } from './undecodable';

/** `object` revived when it carries a truthy marker; `datetime` revives `__datetime__` only. */
export function reviveSentinel(object: Record<string, unknown>, revive: 'all' | 'datetime'): unknown {
  if (isTruthy(object.__datetime__)) return reviveText(object, (text) => dateFromIsoText(text), 'datetime');
  if (revive !== 'all') return object;
  if (isTruthy(object.__date__)) return reviveText(object, (text) => construct(() => new CalendarDate(text)), 'date');
  if (isTruthy(object.__time__)) return reviveText(object, (text) => construct(() => new TimeOfDay(text)), 'time');
  return object;
}

/** Python truthiness of a decoded value. */
function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map) return value.size > 0;
  if (typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) return Object.keys(value).length > 0;
  if (Buffer.isBuffer(value)) return value.length > 0;
  return true;
}

function reviveText<T>(object: Record<string, unknown>, parse: (text: string) => T | undefined, kind: string): T {
  const text = object.value;
  if (typeof text !== 'string') throw new Undecodable(`a ${kind} sentinel without a string 'value' field`);
  const value = parse(text);
  if (value === undefined) throw new Undecodable(`a ${kind} sentinel whose value ${JSON.stringify(text.slice(0, 40))} is not an ISO ${kind}`);
  return value;
}

function construct<T>(build: () => T): T | undefined {
  try {
    return build();
  } catch {
    return undefined;
  }
}
