/**
 * Every fault scenario of the reliability issue, in order. The vitest suite
 * (`__test__/faults/scenarios.test.ts`) asserts each one's checks; `scripts/faults.ts` runs
 * the same list and writes the results table.
 */
import { busScenario } from './bus';
import { clusterFailoverScenario } from './cluster-failover';
import { garbageScenario } from './garbage';
import { killRestartScenario } from './kill-restart';
import { loneCallerScenario } from './lone-caller';
import { outOfMemoryScenario } from './out-of-memory';
import { overloadScenario } from './overload';
import { pauseScenario } from './pause';
import type { ScenarioReport } from './report';
import { slowScenario } from './slow';
import { stampedeAcrossProcessesScenario, stampedeInProcessScenario } from './stampede';

/** A named scenario. */
export interface Scenario {
  readonly id: string;
  readonly name: string;
  readonly run: () => Promise<ScenarioReport>;
  /** Generous upper bound of its run time, ms (for test timeouts). */
  readonly budgetMs: number;
}

/** The scenarios, in the order. */
export const SCENARIOS: readonly Scenario[] = [
  { id: '1', name: 'Redis killed (SIGKILL) and restarted under 64 callers', run: killRestartScenario, budgetMs: 60_000 },
  { id: '2', name: 'Redis paused (SIGSTOP) for 5 s under 64 callers', run: () => pauseScenario('default'), budgetMs: 40_000 },
  { id: '2b', name: 'Redis paused (SIGSTOP) for 5 s, with the distributed lock', run: () => pauseScenario('production'), budgetMs: 40_000 },
  { id: '3', name: 'Redis slow: adaptive timeouts follow the latency', run: slowScenario, budgetMs: 40_000 },
  { id: '4', name: 'Redis out of memory: writes fail, reads keep working', run: () => outOfMemoryScenario('default'), budgetMs: 40_000 },
  { id: '4b', name: 'Redis out of memory with the distributed lock', run: () => outOfMemoryScenario('production'), budgetMs: 40_000 },
  { id: '5', name: 'Garbage in Redis (plaintext)', run: () => garbageScenario(false), budgetMs: 30_000 },
  { id: '5b', name: 'Garbage in Redis (encrypted)', run: () => garbageScenario(true), budgetMs: 30_000 },
  { id: '6a', name: 'Stampede: 1,000 calls on one cold key in one process', run: stampedeInProcessScenario, budgetMs: 30_000 },
  { id: '6b', name: 'Stampede: 4 processes × 250 calls on one cold key', run: stampedeAcrossProcessesScenario, budgetMs: 40_000 },
  { id: '7', name: 'Overload: 10,000 calls in flight against a frozen Redis', run: overloadScenario, budgetMs: 40_000 },
  { id: '8', name: 'One caller on an idle process, Redis frozen (cache())', run: () => loneCallerScenario('default'), budgetMs: 30_000 },
  { id: '8b', name: 'One caller on an idle process, Redis frozen (cache.production)', run: () => loneCallerScenario('production'), budgetMs: 30_000 },
  { id: '8c', name: 'One caller on an idle process, lock held by another process', run: () => loneCallerScenario('lock-wait'), budgetMs: 30_000 },
  { id: '8d', name: 'One caller on an idle process, Redis frozen, AbortSignal per call', run: () => loneCallerScenario('signal'), budgetMs: 30_000 },
  { id: '9', name: 'Invalidation bus under faults (subscribers killed, Redis frozen, Redis restarted)', run: busScenario, budgetMs: 60_000 },
  { id: '10', name: 'Redis Cluster master failover under load', run: clusterFailoverScenario, budgetMs: 90_000 },
];
