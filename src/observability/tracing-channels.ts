/**
 * cachekit's `node:diagnostics_channel` tracing channels: one `TracingChannel` per kind of
 * operation, which APMs (and the `cachekit/otel` bridge, and `registerMetrics()`'s timings)
 * subscribe to. Nothing is built or published while a channel has no subscriber: the call path
 * checks `hasSubscribers` and otherwise runs untraced.
 *
 * Each message is the channel's context object: the fields below are set when the operation
 * starts, the `…on end` ones before it settles; Node adds `result` or `error`. Messages carry
 * stored keys (`key`) for subscribers that want them; cachekit's own bridge leaves them out of
 * spans unless asked.
 */
import { tracingChannel, type TracingChannel } from 'node:diagnostics_channel';
import type { FailureReason, OperationName } from '../reliability/operation-result';

/** Channel names (each is the prefix of five channels: `tracing:{name}:start`, `…:end`, `…:asyncStart`, `…:asyncEnd`, `…:error`). */
export const TRACING_CHANNELS = {
  /** One call of a cached function, from the call to its answer. */
  call: 'cachekit:call',
  /** One operation on a shared backend (get, set, delete, lock…), breaker and queue included. */
  l2: 'cachekit:l2',
  /** One run of the wrapped function (a miss, or a stale-while-revalidate refresh). */
  function: 'cachekit:function',
  /** Waiting for the distributed stampede lock, or for the value of the process holding it. */
  lock: 'cachekit:lock',
} as const;

/** How a cached call was answered. */
export type CallOutcome =
  /** From L1. */
  | 'l1_hit'
  /** From L1, past its refresh point, while a background refresh runs. */
  | 'stale'
  /** From L2. */
  | 'l2_hit'
  /** The function ran: no tier had the value. */
  | 'miss'
  /** The function ran without the cache: the arguments form no key, or L2 could not answer. */
  | 'bypassed'
  /** A stale value, because the function failed or passed its soft timeout (fail-safe). */
  | 'fail_safe';

/** Message of `cachekit:call`. */
export interface CallMessage {
  /** `{module}.{name}` of the cached function. */
  readonly cache: string;
  readonly namespace: string;
  /** The stored key (absent when the arguments form none). */
  key?: string;
  /** On end: how the call was answered. */
  outcome?: CallOutcome;
  result?: unknown;
  error?: unknown;
}

/** Message of `cachekit:l2`. */
export interface L2Message {
  /** Backend type (`redis`, `file`, `memory`, …). */
  readonly backend: string;
  readonly namespace: string;
  readonly operation: OperationName;
  /** The stored key, for single-key operations. */
  readonly key?: string;
  /** On end: whether the backend answered. */
  ok?: boolean;
  /** On end, when it did not: why. */
  reason?: FailureReason;
  result?: unknown;
  error?: unknown;
}

/** Message of `cachekit:function`. */
export interface FunctionMessage {
  readonly cache: string;
  readonly namespace: string;
  /** True for a stale-while-revalidate refresh in the background (no caller waits for it). */
  readonly refresh: boolean;
  result?: unknown;
  error?: unknown;
}

/** Message of `cachekit:lock`. */
export interface LockMessage {
  readonly cache: string;
  readonly namespace: string;
  readonly backend: string;
  /** On end: `acquired`, `waited` (another process's value arrived), `unavailable`, `wait-timeout` or `aborted`. */
  outcome?: string;
  result?: unknown;
  error?: unknown;
}

/** The four channels. */
export const callChannel: TracingChannel<unknown, CallMessage> = tracingChannel(TRACING_CHANNELS.call);
export const l2Channel: TracingChannel<unknown, L2Message> = tracingChannel(TRACING_CHANNELS.l2);
export const functionChannel: TracingChannel<unknown, FunctionMessage> = tracingChannel(TRACING_CHANNELS.function);
export const lockChannel: TracingChannel<unknown, LockMessage> = tracingChannel(TRACING_CHANNELS.lock);

/**
 * Whether anything subscribes to `channel`. Node 20.13+ answers in one property read; older
 * 20.x releases lack it, and the five channels are asked instead.
 */
export function isTraced<M extends object>(channel: TracingChannel<unknown, M>): boolean {
  const answer = (channel as { hasSubscribers?: boolean }).hasSubscribers;
  if (answer !== undefined) return answer;
  return (
    channel.start.hasSubscribers || channel.end.hasSubscribers || channel.asyncStart.hasSubscribers || channel.asyncEnd.hasSubscribers || channel.error.hasSubscribers
  );
}

/**
 * Runs `fn` traced on `channel` with `message`. `fn` is wrapped in an async function so a
 * synchronous function, or one returning a non-native thenable, still yields the promise
 * `tracePromise` needs.
 */
export function traced<T, M extends object>(channel: TracingChannel<unknown, M>, message: M, fn: () => T | Promise<T>): Promise<Awaited<T>> {
  return channel.tracePromise(async () => fn(), message) as Promise<Awaited<T>>;
}
