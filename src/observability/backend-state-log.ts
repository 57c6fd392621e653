/**
 * Turns a guarded backend's changes of state into log records: one per change, never one per
 * call. An operator reading the logs learns that Redis rejected the password, stopped
 * answering or came back, that the breaker bypasses it, or that backpressure turns calls away.
 * Levels: losing the backend is an error, getting it back a warning (so the pair shows at the
 * default level), the breaker's own retries (half-open, re-opened) are debug.
 */
import type { ResilientBackend } from '../reliability/resilient-backend';
import { writeLog, type Logger } from './logger';

/** Subscribes `logger()` to `facade`'s state changes; returns the unsubscribe function. */
export function logBackendStateChanges(facade: ResilientBackend, logger: () => Logger): () => void {
  const where = { backend: facade.backendType, namespace: facade.namespace };
  const unsubscribe = [
    facade.on('reachability', (change) => {
      if (change.reachable) writeLog(logger(), 'warn', where, 'cachekit: backend answers again; caching resumes');
      else {
        writeLog(logger(), 'error', 
          { ...where, category: change.category, reason: change.reason },
          'cachekit: backend unreachable; calls run the function uncached until it answers',
        );
      }
    }),
    facade.on('stateChange', (change) => {
      const fields = { ...where, from: change.from, to: change.to };
      if (change.to === 'open' && change.from === 'closed') writeLog(logger(), 'error', fields, 'cachekit: circuit breaker opened; the backend is bypassed until it recovers');
      else if (change.to === 'closed') writeLog(logger(), 'warn', fields, 'cachekit: circuit breaker closed; the backend is used again');
      else writeLog(logger(), 'debug', fields, 'cachekit: circuit breaker probing the backend');
    }),
    facade.on('saturation', (change) => {
      const fields = { ...where, inFlight: change.inFlight, queued: change.queued };
      if (change.saturated) writeLog(logger(), 'warn', fields, 'cachekit: backend saturated; calls beyond the concurrency limit skip the cache');
      else writeLog(logger(), 'warn', fields, 'cachekit: backend no longer saturated');
    }),
  ];
  return () => {
    for (const off of unsubscribe) off();
  };
}
