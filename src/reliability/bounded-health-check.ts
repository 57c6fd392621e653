/**
 * A backend health check that always answers: bounded by a timeout, with a thrown error or a
 * hang reported as an unhealthy result, and the breaker state added to the details.
 */
import type { BackendHealth, CacheBackend } from '../backends/types';
import type { Clock, TimerHandle } from './clock';

/**
 * Runs `backend.healthCheck()` for at most `timeoutMs`. `circuitState` is read when the answer
 * is built, so it reflects the breaker at that moment. Never throws.
 */
export async function boundedHealthCheck(
  backend: CacheBackend,
  clock: Clock,
  timeoutMs: number,
  circuitState: () => string,
): Promise<BackendHealth> {
  const started = clock.now();
  const failed = (error: string): BackendHealth => ({
    ok: false,
    latencyMs: -1,
    backendType: backend.backendType,
    details: { error, circuitState: circuitState() },
  });
  let timer: TimerHandle = undefined;
  const timedOut = new Promise<BackendHealth>((resolve) => {
    timer = clock.setTimeout(() => resolve(failed(`health check timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  // The async wrapper turns a synchronous throw into a rejection.
  const checked = (async () => backend.healthCheck())().then(
    (health) => ({ ...health, details: { ...health.details, circuitState: circuitState() } }),
    (error: unknown) => failed(error instanceof Error ? error.message : String(error)),
  );
  const health = await Promise.race([checked, timedOut]);
  clock.clearTimeout(timer);
  if (health.ok && health.latencyMs < 0) return { ...health, latencyMs: clock.now() - started };
  return health;
}
