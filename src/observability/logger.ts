/**
 * Logger injection. Any pino-compatible logger works (`setLogger(pino())`); the default
 * writes warnings and errors to the console, filtered by `CACHEKIT_LOG_LEVEL`. Log records
 * never carry values, plaintext or key material, and carry cache keys only when the app opts
 * in (`setLogOptions({ includeKeys: true })`): a key names a tenant and identifies a call.
 * Every record carries the request's correlation id and trace ids where there are any.
 */
import { environmentSettings, type LogLevel } from '../config/env';
import { withCorrelation } from './correlation';

/** Structured fields attached to a log record. */
export type LogFields = Record<string, unknown>;

/** The subset of pino's interface cachekit uses. */
export interface Logger {
  trace(fields: LogFields, message: string): void;
  debug(fields: LogFields, message: string): void;
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
}

const RANK: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, silent: 100 };

/** A logger that prints JSON lines to stderr for records at or above `level`. */
export function createConsoleLogger(level: LogLevel): Logger {
  const threshold = RANK[level];
  const emit = (lvl: LogLevel) => (fields: LogFields, message: string) => {
    if (RANK[lvl] < threshold) return;
    process.stderr.write(`${JSON.stringify({ level: lvl, time: Date.now(), name: 'cachekit', msg: message, ...fields })}\n`);
  };
  return { trace: emit('trace'), debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

let current: Logger | undefined;

/** The process-wide logger (the console logger at `CACHEKIT_LOG_LEVEL`, default `warn`). */
export function getLogger(): Logger {
  current ??= createConsoleLogger(environmentSettings().logLevel ?? 'warn');
  return current;
}

/** Replaces the process-wide logger; `undefined` restores the default. */
export function setLogger(logger: Logger | undefined): void {
  current = logger;
}

/** Process-wide choices about what log records may carry. */
export interface LogOptions {
  /**
   * Put stored keys (and key prefixes) into records about one entry. Default false: a key
   * holds the tenant id and identifies the call, which logs shipped elsewhere should not.
   */
  includeKeys?: boolean;
}

let includeKeys = false;

/** Sets what log records may carry (see `LogOptions`); omitted fields keep their setting. */
export function setLogOptions(options: LogOptions): void {
  if (options.includeKeys !== undefined) includeKeys = options.includeKeys === true;
}

/** `{ [field]: key }` when keys may be logged, otherwise no field at all. */
export function keyField(field: 'key' | 'prefix', key: string): LogFields {
  return includeKeys ? { [field]: key } : {};
}

/** Writes one record to `logger`, with the correlation fields of the current call added. */
export function writeLog(logger: Logger, level: Exclude<LogLevel, 'silent'>, fields: LogFields, message: string): void {
  logger[level](withCorrelation(fields), message);
}
