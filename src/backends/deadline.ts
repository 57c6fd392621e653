/**
 * Every backend operation runs under a deadline and honours the caller's `AbortSignal`, so a
 * stalled server or disk can never hold a caller longer than the backend's own budget.
 * Neither Redis commands nor file system calls can be recalled once issued: on timeout or
 * abort the caller stops waiting and the late result is dropped.
 */
import { BackendError, type BackendErrorKind } from '../errors';

/**
 * Bytes of value a write may move per extra millisecond of deadline (64 KiB/ms ≈ 62 MB/s), so
 * a large value on a healthy link or disk is not cut off by a budget sized for small ones.
 */
export const LARGE_VALUE_BYTES_PER_MS = 64 * 1024;

/** What a failed operation was, for the `BackendError` it becomes. */
export interface OperationContext {
  /** Backend type name (`redis`, `file`, `memory`). */
  readonly backend: string;
  /** Operation name (`get`, `set`, ...). */
  readonly operation: string;
  /** Key involved, if any (truncated by `BackendError`). */
  readonly key?: string;
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

/** Wraps a raw error as a classified `BackendError` (a `BackendError` passes through). */
export function toBackendError(err: unknown, ctx: OperationContext, classify: ErrorClassifier): BackendError {
  if (err instanceof BackendError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new BackendError(`${ctx.backend} ${ctx.operation} failed: ${message}`, classify(err), {
    operation: ctx.operation,
    key: ctx.key,
    cause: err,
  });
}

/**
 * Runs `start()` and settles with its outcome, unless `timeoutMs` passes first (rejects with a
 * `timeout` BackendError) or `signal` aborts (same). Raw failures become classified
 * BackendErrors. `timeoutMs` of `Infinity` or `0` disables the timer (the signal still works).
 */
export function runWithDeadline<T>(
  start: () => Promise<T>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  ctx: OperationContext,
  classify: ErrorClassifier,
): Promise<T> {
  if (signal?.aborted) return Promise.reject(abortedError(ctx, signal));
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = (): void => {
      if (signal !== undefined) settle(() => reject(abortedError(ctx, signal)));
    };
    const settle = (action: () => void): void => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      action();
    };
    if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
      timer = setTimeout(() => {
        settle(() =>
          reject(
            new BackendError(`${ctx.backend} ${ctx.operation} timed out after ${timeoutMs} ms`, 'timeout', {
              operation: ctx.operation,
              key: ctx.key,
            }),
          ),
        );
      }, timeoutMs);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    let work: Promise<T>;
    try {
      work = start();
    } catch (err) {
      work = Promise.reject(err);
    }
    // The handlers stay attached after a timeout, so a late rejection is never unhandled.
    work.then(
      (value) => settle(() => resolve(value)),
      (err: unknown) => settle(() => reject(toBackendError(err, ctx, classify))),
    );
  });
}
