/** A logger that keeps every record, for tests that check what cachekit logs. */
import type { LogFields, Logger } from '../../src';

/** One record as the logger received it. */
export interface LogRecord {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  fields: LogFields;
  message: string;
}

/** A `Logger` whose `records` holds everything written to it, in order. */
export function recordingLogger(): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const at = (level: LogRecord['level']) => (fields: LogFields, message: string) => void records.push({ level, fields, message });
  return { records, trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
