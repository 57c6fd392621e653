/**
 * Per guarded backend (backend type and namespace), read at scrape time: operation failures
 * by reason, errors by category, dropped writes, the breaker's state and transitions, whether
 * the backend answers, adaptive timeouts; and per backend, its concurrency limit (in flight,
 * queued, rejections).
 */
import type { Backpressure } from '../../reliability/backpressure';
import type { CircuitState } from '../../reliability/circuit-breaker';
import { observedBackends } from '../observed';
import { scrapedCounter, scrapedGauge, type MetricGroup, type MetricsContext } from './metrics-context';
import { eachSource, labelValue } from './samples';

const BACKEND = ['backend', 'namespace'] as const;
const STATES: readonly CircuitState[] = ['closed', 'open', 'half-open'];

/** Every live guarded backend, labelled with its type and namespace. */
const eachBackend = eachSource(function* () {
  for (const facade of observedBackends.live()) yield [{ backend: facade.backendType, namespace: facade.namespace }, facade.stats()] as const;
});

/** Every live concurrency limit once, with the type of the backend it guards. */
function liveLimits(): Map<Backpressure, string> {
  const limits = new Map<Backpressure, string>();
  for (const facade of observedBackends.live()) {
    const limit = facade.concurrencyLimit;
    if (limit !== null) limits.set(limit, facade.backendType);
  }
  return limits;
}

/** Every live concurrency limit, labelled with the type of the backend it guards. */
const eachLimit = eachSource(function* () {
  for (const [limit, backend] of liveLimits()) yield [{ backend }, limit.stats()] as const;
});

/** Builds the backend and backpressure metrics. */
export function backendMetrics(context: MetricsContext): MetricGroup {
  const names = [
    scrapedCounter(
      context,
      'backend_failures_total',
      'Backend operations without an answer, by reason: timeout, breaker_open, overload, error, aborted, unsupported, closed (each a miss or a skipped write, never a failed call).',
      [...BACKEND, 'reason'],
      eachBackend((stats) => Object.entries(stats.failures).map(([reason, count]) => [{ reason: labelValue(reason) }, count])),
    ),
    scrapedCounter(
      context,
      'backend_errors_total',
      'Backend errors by classification: transient, permanent, timeout, authentication, unknown, integrity (stored bytes that failed verification).',
      [...BACKEND, 'category'],
      eachBackend((stats) => Object.entries(stats.errorsByCategory).map(([category, count]) => [{ category }, count])),
    ),
    scrapedCounter(context, 'backend_dropped_writes_total', 'Writes that did not reach the backend.', BACKEND, eachBackend((stats) => [[{}, stats.droppedWrites]])),
    scrapedGauge(
      context,
      'breaker_state',
      'Circuit breaker state: 1 for the current state (closed, open, half_open), 0 for the others.',
      [...BACKEND, 'state'],
      eachBackend((stats) => (stats.breaker === null ? [] : STATES.map((state) => [{ state: labelValue(state) }, stats.breaker?.state === state ? 1 : 0]))),
    ),
    scrapedCounter(
      context,
      'breaker_transitions_total',
      'Circuit breaker changes of state, by the state entered.',
      [...BACKEND, 'to'],
      eachBackend((stats) => (stats.breaker === null ? [] : STATES.map((state) => [{ to: labelValue(state) }, stats.breaker?.transitions[state] ?? 0]))),
    ),
    scrapedGauge(
      context,
      'backend_up',
      '1 while the backend answers; 0 once it counts as unreachable (a rejected password at once, other errors and timeouts after 3 in a row).',
      BACKEND,
      eachBackend((stats) => [[{}, stats.reachable ? 1 : 0]]),
    ),
    scrapedGauge(
      context,
      'backend_timeout_seconds',
      'Timeout currently applied to each backend operation (adaptive: a high percentile of recent latencies).',
      [...BACKEND, 'operation'],
      eachBackend((stats) => Object.entries(stats.timeouts).map(([operation, timeout]) => [{ operation }, (timeout?.timeoutMs ?? 0) / 1000])),
    ),
    scrapedGauge(context, 'backpressure_in_flight', 'Backend operations in flight under the concurrency limit.', ['backend'], eachLimit((s) => [[{}, s.inFlight]])),
    scrapedGauge(context, 'backpressure_queued', 'Backend operations waiting for a slot under the concurrency limit.', ['backend'], eachLimit((s) => [[{}, s.queued]])),
    scrapedGauge(context, 'backpressure_max_concurrent', 'The concurrency limit.', ['backend'], eachLimit((s) => [[{}, s.maxConcurrent]])),
    scrapedCounter(
      context,
      'backpressure_rejections_total',
      'Backend operations turned away by the concurrency limit, by reason: queue_full, queue_timeout (each skips the cache).',
      ['backend', 'reason'],
      eachLimit((s) => [
        [{ reason: 'queue_full' }, s.rejectedQueueFull],
        [{ reason: 'queue_timeout' }, s.rejectedQueueTimeout],
      ]),
    ),
  ];
  return { names };
}
