/**
 * Logger injection. Any pino-compatible logger works (`setLogger(pino())`); the default
 * writes warnings and errors to the console, filtered by `CACHEKIT_LOG_LEVEL`. Log records
 * never carry values, plaintext or key material; cache keys are shortened.
 */
import { environmentSettings, type LogLevel } from '../config/env';

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

/** A cache key shortened for logs: enough to recognise the function, never the whole key. */
export function redactKey(key: string): string {
  return key.length > 64 ? `${key.slice(0, 48)}…(${key.length} chars)` : key;
}
