/**
 * Derives the default `module` part of a cache key from the file that called `cache()`:
 * its path relative to the nearest package.json, as a dotted name (`src/users/repo.ts` →
 * `src.users.repo`). Relative to the package, not the working directory, so every process of
 * the same service derives the same key wherever it was started.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { moduleNameFromFile } from '../keys/function-identity';

const packageRootCache = new Map<string, string>();

function packageRoot(dir: string): string {
  const cached = packageRootCache.get(dir);
  if (cached !== undefined) return cached;
  let current = dir;
  for (;;) {
    if (existsSync(path.join(current, 'package.json'))) break;
    const parent = path.dirname(current);
    if (parent === current) {
      current = dir;
      break;
    }
    current = parent;
  }
  packageRootCache.set(dir, current);
  return current;
}

/**
 * This library's own directory (src/ when run from source, dist/ when bundled), whose frames
 * are skipped when looking for the caller.
 */
const HERE = path.dirname(fileURLToPath(import.meta.url));
const LIBRARY_DIR = path.basename(HERE) === 'config' ? path.dirname(HERE) : HERE;

function fileOfFrame(line: string): string | undefined {
  const match = /\(?((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):\d+:\d+\)?\s*$/.exec(line);
  if (match === null || match[1] === undefined) return undefined;
  return match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1];
}

function isOutsideLibrary(file: string | undefined): file is string {
  return file !== undefined && !file.startsWith(LIBRARY_DIR + path.sep) && !file.startsWith('node:');
}

/** The dotted module name of the first stack frame outside cachekit, or `undefined`. */
export function callerModule(): string | undefined {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  for (const line of stack) {
    const file = fileOfFrame(line);
    if (isOutsideLibrary(file)) return moduleNameFromFile(file, packageRoot(path.dirname(file)));
  }
  return undefined;
}

/**
 * The first `count` stack frames outside cachekit as a stack trace prints them
 * (`fn (file:line:column)`), innermost first: where a function was wrapped, and from where.
 */
export function callerFrames(count: number): string[] {
  const previousLimit = Error.stackTraceLimit;
  let stack: string[];
  try {
    // cachekit's own frames come first; leave room for them.
    Error.stackTraceLimit = count + 20;
    stack = new Error().stack?.split('\n').slice(1) ?? [];
  } finally {
    Error.stackTraceLimit = previousLimit;
  }
  const frames: string[] = [];
  for (const line of stack) {
    if (!isOutsideLibrary(fileOfFrame(line))) continue;
    frames.push(line.trim().replace(/^at /, ''));
    if (frames.length === count) break;
  }
  return frames;
}
