/**
 * The `func:{module}.{name}` part of a default-format key: which function a key belongs to.
 * In Python this is `__module__.__qualname__`; in JS the module is an option or derived from
 * the file that called `cache()`, and the name is the function's name.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../errors';

/** Longest `module.name` kept in a key, as cachekit-py cuts it. */
export const MAX_FUNCTION_PATH_LENGTH = 200;

/**
 * `module.name` as it appears in a key: every character outside `[A-Za-z0-9_.]` becomes `_`
 * (one `_` per code point), runs of `.` collapse to one, and the result is cut to 200 characters.
 */
export function functionPath(module: string, name: string): string {
  if (typeof module !== 'string' || module === '') {
    throw new ConfigurationError(`module: expected a non-empty string naming the function's module, got ${JSON.stringify(module)}`);
  }
  if (typeof name !== 'string' || name === '') {
    throw new ConfigurationError(
      `name: expected a non-empty function name, got ${JSON.stringify(name)}; anonymous functions need an explicit \`name\` option so two of them never share keys`,
    );
  }
  return `${module}.${name}`
    .replace(/[^A-Za-z0-9_.]/gu, '_')
    .replace(/\.{2,}/g, '.')
    .slice(0, MAX_FUNCTION_PATH_LENGTH);
}

/**
 * A module name for a source file: its path relative to `root` (default: the working
 * directory), without extension, with separators as dots: `/app/src/users/service.ts` →
 * `src.users.service`. Accepts paths and `file:` URLs.
 */
export function moduleNameFromFile(file: string, root: string = process.cwd()): string {
  const absolute = file.startsWith('file:') ? fileURLToPath(file) : path.resolve(file);
  let relative = path.relative(root, absolute);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) relative = absolute;
  const withoutExtension = relative.replace(/\.(?:[cm]?[jt]sx?)$/, '');
  return withoutExtension
    .split(/[\\/]+/)
    .filter((part) => part !== '' && !/^[A-Za-z]:$/.test(part))
    .join('.');
}

/**
 * The file of the function `skipFrames` calls above the caller of `callerFile` (0 = the
 * caller's caller), or undefined when the stack does not say (eval, native frames).
 */
export function callerFile(skipFrames = 0): string | undefined {
  const holder: { stack?: NodeJS.CallSite[] } = {};
  const previous = Error.prepareStackTrace;
  const previousLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = skipFrames + 3;
    Error.prepareStackTrace = (_error, frames) => frames;
    Error.captureStackTrace(holder, callerFile);
    const frames = holder.stack;
    const frame = Array.isArray(frames) ? frames[skipFrames + 1] : undefined;
    return frame?.getFileName() ?? undefined;
  } finally {
    Error.prepareStackTrace = previous;
    Error.stackTraceLimit = previousLimit;
  }
}
