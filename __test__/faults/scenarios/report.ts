/**
 * What a fault scenario hands back: its figures and the checks they must pass. The vitest
 * suite asserts every check; `scripts/faults.ts` prints the same figures as a table. One
 * implementation, two readers, so the table can never show figures the tests did not check.
 */
import type { CallSummary } from './calls';

/**
 * One figure and its bound. In `checks` the bound is asserted by the test suite: a structural
 * fact (counts, errors, wrong values) or a time bound set against a baseline of the same run
 * with a wide margin. In `goals` it is the issue's own timing target: reported by
 * `npm run faults`, never asserted (a shared 2-core machine cannot promise milliseconds).
 */
export interface Check {
  /** What is checked, in words ("caller errors", "longest extra wait during the pause"). */
  readonly what: string;
  readonly actual: number;
  /** `actual` must be `op` this. */
  readonly limit: number;
  readonly op: '==' | '<=' | '>=';
  readonly unit?: string;
}

/** Whether `check` holds. */
export function passes(check: Check): boolean {
  if (check.op === '==') return check.actual === check.limit;
  if (check.op === '<=') return check.actual <= check.limit;
  return check.actual >= check.limit;
}

/** The outcome of one scenario. */
export interface ScenarioReport {
  /** Issue item number (1–7), with a letter for sub-scenarios. */
  readonly id: string;
  readonly title: string;
  /** The fault, as injected. */
  readonly fault: string;
  readonly calls: CallSummary;
  /** Function runs. */
  readonly runs: number;
  /** Scenario-specific figures, in display order. */
  readonly figures: ReadonlyArray<readonly [string, string]>;
  readonly checks: readonly Check[];
  /** The timing targets for this scenario: reported, not asserted. */
  readonly goals: readonly Check[];
  /** Known limits the figures show and the checks deliberately leave out, in words. */
  readonly notes?: readonly string[];
}

/** Formats a check for messages and the table: `longest wait: 0.8 s <= 3 s`. */
export function describeCheck(check: Check): string {
  const unit = check.unit ?? '';
  return `${check.what}: ${check.actual}${unit} ${check.op} ${check.limit}${unit}`;
}

/** Helpers to build checks tersely. */
export const check = {
  eq: (what: string, actual: number, limit: number, unit?: string): Check => ({ what, actual, limit, op: '==', ...(unit ? { unit } : {}) }),
  atMost: (what: string, actual: number, limit: number, unit?: string): Check => ({ what, actual, limit, op: '<=', ...(unit ? { unit } : {}) }),
  atLeast: (what: string, actual: number, limit: number, unit?: string): Check => ({ what, actual, limit, op: '>=', ...(unit ? { unit } : {}) }),
};
