import { IntegrityError } from '../errors';

/** A one-line description of an error for logs (never values or key material). */
export function errorSummary(error: unknown): string {
  if (error instanceof IntegrityError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return `${(error as { code?: string }).code ?? error.name}: ${error.message}`;
  return String(error);
}
