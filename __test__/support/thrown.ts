/** The error `fn` throws synchronously; a test that expected one fails when `fn` returns. */
export function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

/** The `code` of the error `fn` throws (see {@link thrown}). */
export function codeOf(fn: () => unknown): string | undefined {
  return thrown(fn).code;
}
