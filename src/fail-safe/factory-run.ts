/**
 * Waiting for one run of the wrapped function with the `factoryTimeout`s: the run is never
 * aborted (a function cannot be recalled); a timeout only ends the wait, and the run goes on.
 */
import { FactoryTimeoutError } from '../errors';

/** How the wait for a run ended. */
export type RunOutcome =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'error'; readonly error: unknown }
  /** Still running at the soft or hard timeout: `pending` settles when it ends. */
  | { readonly kind: 'soft-timeout' | 'hard-timeout'; readonly pending: Promise<unknown> };

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';

/** Waits for `result` (what the function returned) at most `softMs`, then at most `hardMs` (undefined: no such bound). */
export function awaitRun(result: unknown, softMs: number | undefined, hardMs: number | undefined): Promise<RunOutcome> {
  if (!isThenable(result)) return Promise.resolve({ kind: 'value', value: result });
  const pending = Promise.resolve(result);
  return new Promise((resolve) => {
    let done = false;
    const timers: Array<ReturnType<typeof setTimeout>> = [];
    const finish = (outcome: RunOutcome): void => {
      if (done) return;
      done = true;
      for (const timer of timers) clearTimeout(timer);
      resolve(outcome);
    };
    pending.then(
      (value) => finish({ kind: 'value', value }),
      (error: unknown) => finish({ kind: 'error', error }),
    );
    for (const [ms, kind] of [
      [softMs, 'soft-timeout'],
      [hardMs, 'hard-timeout'],
    ] as const) {
      if (ms === undefined) continue;
      const timer = setTimeout(() => finish({ kind, pending }), ms);
      // The run itself keeps the process alive if it needs to; a cache timer never does.
      timer.unref();
      timers.push(timer);
    }
  });
}

/** The error of a call that gave up waiting for the function at its hard timeout with no stale value to serve. */
export function hardTimeoutError(label: string, hardMs: number): FactoryTimeoutError {
  return new FactoryTimeoutError(
    `${label} did not answer within factoryTimeout.hard (${hardMs} ms) and there is no stale value to serve; it goes on in the background and stores its result when it finishes.`,
  );
}
