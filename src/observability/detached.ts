/**
 * Runs work that belongs to no single call — the invalidation bus's subscriber connection and
 * its batched publishes — outside the async context of whichever call happened to start it, so
 * that call's trace (its spans, a tracing instrumentation's Redis spans) and correlation id do
 * not claim it. The context used is the one cachekit was loaded in, which is no request's.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const loadContext = AsyncLocalStorage.snapshot();

/** Calls `fn` in the context cachekit was loaded in; timers and connections it starts keep that context. */
export function detached<T>(fn: () => T): T {
  return loadContext(fn);
}
