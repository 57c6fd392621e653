/**
 * Why a stored entry was refused, as a small fixed set: what metrics label integrity failures
 * with (an error code would do, but its set is open-ended and meaningless on a dashboard).
 * Each code's reason is in the one code table, `error-codes.ts`.
 */
import { errorCodeInfo, type IntegrityReason } from '../error-codes';

export { INTEGRITY_REASONS, type IntegrityReason } from '../error-codes';

/** The reason for `error`, raised while opening a stored entry. */
export function integrityReason(error: unknown): IntegrityReason {
  const code = (error as { code?: unknown } | null)?.code;
  return (typeof code === 'string' ? errorCodeInfo(code)?.reason : undefined) ?? 'other';
}
