/**
 * The reliability issue's fault scenarios against real redis-server processes (killed, frozen,
 * slowed, out of memory, fed garbage, stampeded, overloaded), asserted figure by figure. The
 * scenarios run one after another in this one file: they measure time, and running them in
 * parallel on a 2-core machine would measure the machine instead. `scripts/faults.ts` runs the
 * same scenarios and writes `docs/reliability-results.md`.
 */
import { describe, expect, test } from 'vitest';
import { SCENARIOS } from './scenarios';
import { describeCheck, type Check } from './scenarios/report';

function assertCheck(check: Check): void {
  const message = describeCheck(check);
  if (check.op === '==') expect(check.actual, message).toBe(check.limit);
  else if (check.op === '<=') expect(check.actual, message).toBeLessThanOrEqual(check.limit);
  else expect(check.actual, message).toBeGreaterThanOrEqual(check.limit);
}

describe.sequential('fault scenarios against a real redis-server', () => {
  for (const scenario of SCENARIOS) {
    test(
      `${scenario.id}. ${scenario.name}`,
      async () => {
        const report = await scenario.run();
        expect(report.checks.length).toBeGreaterThan(0);
        for (const check of report.checks) assertCheck(check);
      },
      scenario.budgetMs,
    );
  }
});
