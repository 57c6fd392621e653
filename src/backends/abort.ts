/**
 * What backends do about time: nothing of their own. Deadlines belong to the reliability
 * layer (`reliability/resilient-backend.ts`); a backend only honours the signal its caller
 * gives it, and reports raw failures as classified `BackendError`s. Neither Redis commands nor
 * file system calls can be recalled once issued: on abort the caller stops waiting and the
 * late result is dropped.
 */
import { BackendError, type BackendErrorKind } from '../errors';

/** Where a failure happened, for messages. */
export interface OperationContext {
  readonly backend: string;
  readonly operation: string;
  readonly key?: string | undefined;
}

/** Maps a raw error to its kind. */
export type ErrorClassifier = (err: unknown) => BackendErrorKind;

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return reason === undefined ? 'aborted' : String(reason);
}

/** The error a call rejects with when its signal fired before it finished. */
export function abortedError(ctx: OperationContext, signal: AbortSignal): BackendError {
  return new BackendError(`${ctx.backend} ${ctx.operation} aborted: ${describeReason(signal.reason)}`, 'timeout', {
    operation: ctx.operation,
    key: ctx.key,
    cause: signal.reason,
  });
}

/**
 * `pending`, unless `signal` aborts first: then a `timeout` BackendError. Without a signal,
 * `pending` itself (no listener, no extra promise). `pending` keeps a handler, so its late
 * rejection is never unhandled.
 */
export function unlessAborted<T>(pending: Promise<T>, signal: AbortSignal | undefined, ctx: OperationContext): Promise<T> {
  if (signal === undefined) return pending;
  if (signal.aborted) {
    pending.catch(() => undefined);
    return Promise.reject(abortedError(ctx, signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortedError(ctx, signal));
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** A raw failure as a classified `BackendError` (a `BackendError` passes through). */
export function backendFailure(err: unknown, ctx: OperationContext, classify: ErrorClassifier): BackendError {
  if (err instanceof BackendError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new BackendError(`${ctx.backend} ${ctx.operation} failed: ${message}`, classify(err), {
    operation: ctx.operation,
    key: ctx.key,
    cause: err,
  });
}

/**
 * The message for a per-operation timeout given to a backend's options (`commandTimeoutMs`,
 * `operationTimeoutMs` in earlier versions): backends hold no deadlines, the cache does.
 */
export function deadlineOptionMessage(backend: string, option: string): string {
  return (
    `${backend} option \`${option}\` is not a backend option: the cache bounds every backend operation itself. ` +
    'Fix: set the cache option `reliability: { timeouts: { minMs, maxMs } }` (adaptive, 25–500 ms by default), ' +
    'or pass `{ signal: AbortSignal.timeout(ms) }` when calling the backend directly.'
  );
}
