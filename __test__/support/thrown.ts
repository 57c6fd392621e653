/** The error `fn` throws synchronously; a test that expected one fails when `fn` returns. */
export function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

/**
 * The error `fn` throws, which must be a `kind`: any other error is rethrown as it is, so the
 * test fails on the real cause; a test fails too when `fn` returns.
 */
export function thrownAs<E extends Error>(kind: abstract new (...args: never[]) => E, fn: () => unknown): E {
  const error = thrown(fn);
  if (error instanceof kind) return error;
  throw error;
}

/** The `code` of the error `fn` throws (see {@link thrown}). */
export function codeOf(fn: () => unknown): string | undefined {
  return thrown(fn).code;
}
