import { IntegrityError } from '../errors';
import { logSafeLine } from '../observability/log-safe-text';

/**
 * A one-line, bounded description of an error for logs (never values or key material). Error
 * messages about stored entries may quote what a deserializer saw in them, so the line is
 * escaped and cut whatever produced it.
 */
export function errorSummary(error: unknown): string {
  if (error instanceof IntegrityError) return logSafeLine(`${error.code}: ${error.message}`);
  if (error instanceof Error) return logSafeLine(`${(error as { code?: string }).code ?? error.name}: ${error.message}`);
  return logSafeLine(String(error));
}
