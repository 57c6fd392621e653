/**
 * Steps the adaptive GET timeout tests share: bring the timeout down to its minimum, and let one
 * GET the backend never answers run into its deadline.
 */
import { expect } from 'vitest';
import { DEFAULT_TIMEOUTS } from '../../../src/reliability/options';
import type { ResilientBackend } from '../../../src/reliability/resilient-backend';
import type { ManualClock } from './manual-clock';
import type { ScriptedBackend } from './scripted-backend';

/** Forty prompt answers teach the adaptive GET timeout its minimum. */
export async function settleGetTimeoutAtMinimum(resilient: ResilientBackend): Promise<void> {
  for (let i = 0; i < 40; i++) expect((await resilient.get('k')).ok).toBe(true);
  expect(resilient.stats().timeouts.get?.timeoutMs).toBe(DEFAULT_TIMEOUTS.minMs);
}

/** A GET of `k` the backend leaves hanging, after `advanceMs` on the clock: it has timed out. */
export async function hungGetTimesOut(
  parts: { clock: ManualClock; backend: ScriptedBackend; resilient: ResilientBackend },
  advanceMs: number,
): Promise<void> {
  parts.backend.next({ kind: 'hang' });
  const pending = parts.resilient.get('k');
  await parts.clock.advance(advanceMs);
  expect(await pending).toMatchObject({ reason: 'timeout' });
}
