/**
 * `CACHEKIT_*` environment variables that shape the cache API. Read once (on the first
 * wrapper built), validated, and always overridden by explicit options.
 */
import { ConfigurationError } from '../errors';
import { parseTtlSeconds } from './duration';

/** Log levels understood by the built-in console logger. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;
/** One of `LOG_LEVELS`. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Validated values taken from the environment; `undefined` where a variable is unset. */
export interface EnvironmentSettings {
  /** `CACHEKIT_DEFAULT_TTL`: default TTL in seconds (number or duration string). */
  defaultTtlSeconds?: number;
  /** `CACHEKIT_NAMESPACE`: default namespace. */
  namespace?: string;
  /** `CACHEKIT_L1_ENABLED`: whether the in-process tier is on by default. */
  l1Enabled?: boolean;
  /** `CACHEKIT_L1_MAX_SIZE_MB`: byte budget of the shared L1, in MiB. */
  l1MaxBytes?: number;
  /** `CACHEKIT_L1_MAX_ENTRIES`: entry cap of the shared L1. */
  l1MaxEntries?: number;
  /** `CACHEKIT_L1_CLEANUP_INTERVAL_SECONDS`: background sweep period of expired L1 entries. */
  l1SweepIntervalMs?: number;
  /** `CACHEKIT_MAX_VALUE_SIZE`: encoded values larger than this many bytes are not cached. */
  maxValueBytes?: number;
  /** `CACHEKIT_LOG_LEVEL`: level of the built-in console logger. */
  logLevel?: LogLevel;
}

/** Description of each variable, used by the README table and error messages. */
export const ENVIRONMENT_VARIABLES = {
  CACHEKIT_DEFAULT_TTL: 'default TTL (seconds or a duration such as 10m); 0 = no expiry',
  CACHEKIT_NAMESPACE: 'default namespace for every cache',
  CACHEKIT_L1_ENABLED: 'true/false: in-process L1 on by default',
  CACHEKIT_L1_MAX_SIZE_MB: 'byte budget of the shared L1 in MiB',
  CACHEKIT_L1_MAX_ENTRIES: 'entry cap of the shared L1',
  CACHEKIT_L1_CLEANUP_INTERVAL_SECONDS: 'how often expired L1 entries are swept',
  CACHEKIT_MAX_VALUE_SIZE: 'encoded values larger than this many bytes are returned but not cached',
  CACHEKIT_LOG_LEVEL: `log level of the built-in logger (${LOG_LEVELS.join(', ')})`,
} as const;

type Env = Record<string, string | undefined>;

function bad(name: string, raw: string, expected: string): never {
  throw new ConfigurationError(
    `Environment variable ${name}=${JSON.stringify(raw)} is invalid: expected ${expected}. ` +
      `Fix: correct or unset ${name}.`,
  );
}

function readBoolean(env: Env, name: string): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const lower = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
  if (['0', 'false', 'no', 'off'].includes(lower)) return false;
  return bad(name, raw, 'true or false');
}

function readPositive(env: Env, name: string, integer: boolean): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw.trim());
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    return bad(name, raw, integer ? 'a positive integer' : 'a positive number');
  }
  return value;
}

/** Parses and validates the variables in `env`. Throws `ConfigurationError` on bad values. */
export function parseEnvironment(env: Env): EnvironmentSettings {
  const settings: EnvironmentSettings = {};
  const ttl = env.CACHEKIT_DEFAULT_TTL;
  if (ttl !== undefined && ttl !== '') {
    const asNumber = Number(ttl);
    settings.defaultTtlSeconds = parseTtlSeconds(Number.isNaN(asNumber) ? ttl : asNumber, 'CACHEKIT_DEFAULT_TTL');
  }
  const namespace = env.CACHEKIT_NAMESPACE;
  if (namespace !== undefined && namespace !== '') settings.namespace = namespace;
  settings.l1Enabled = readBoolean(env, 'CACHEKIT_L1_ENABLED');
  const mb = readPositive(env, 'CACHEKIT_L1_MAX_SIZE_MB', false);
  if (mb !== undefined) settings.l1MaxBytes = Math.floor(mb * 1024 * 1024);
  settings.l1MaxEntries = readPositive(env, 'CACHEKIT_L1_MAX_ENTRIES', true);
  const sweep = readPositive(env, 'CACHEKIT_L1_CLEANUP_INTERVAL_SECONDS', false);
  if (sweep !== undefined) settings.l1SweepIntervalMs = sweep * 1000;
  settings.maxValueBytes = readPositive(env, 'CACHEKIT_MAX_VALUE_SIZE', true);
  const level = env.CACHEKIT_LOG_LEVEL;
  if (level !== undefined && level !== '') {
    const lower = level.trim().toLowerCase();
    if (!(LOG_LEVELS as readonly string[]).includes(lower)) bad('CACHEKIT_LOG_LEVEL', level, LOG_LEVELS.join(', '));
    settings.logLevel = lower as LogLevel;
  }
  return settings;
}

let cached: EnvironmentSettings | undefined;

/** The process environment's settings, parsed once. */
export function environmentSettings(): EnvironmentSettings {
  cached ??= parseEnvironment(process.env);
  return cached;
}

/** Forgets the parsed environment so the next wrapper re-reads it (tests, late secret loading). */
export function reloadEnvironment(): void {
  cached = undefined;
}
