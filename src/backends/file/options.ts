/**
 * Options of the file backend: defaults (and why), and validation with messages that name
 * the option, the value and the fix.
 */
import path from 'node:path';
import { ConfigurationError } from '../../errors';
import { deadlineOptionMessage } from '../abort';

/** Options of `FileBackend`. */
export interface FileBackendOptions {
  /**
   * Cache directory; created with mode 0700 when missing. Env: `CACHEKIT_FILE_CACHE_DIR`.
   * It must be this user's and writable by nobody else, under directories owned by this user
   * or root that others cannot write (unless sticky, like /tmp), through symlinks owned by this
   * user or root; otherwise `ConfigurationError`. Not checked on Windows (no uids or modes).
   */
  directory: string;
  /** Total bytes on disk (headers included) before eviction. Default 1 GiB. */
  maxSizeBytes?: number;
  /**
   * Largest value accepted. Default 100 MiB (or half of `maxSizeBytes` if smaller); at most
   * half of `maxSizeBytes`, so one value can never evict the whole cache.
   */
  maxValueBytes?: number;
  /** Entry files before eviction. Default 10 000: directory scans stay cheap. */
  maxEntries?: number;
  /** Clock in milliseconds since the epoch; tests inject a fake one. Default `Date.now`. */
  clock?: () => number;
}

/** Defaults of `FileBackendOptions`. */
export const FILE_BACKEND_DEFAULTS = {
  maxSizeBytes: 1024 * 1024 * 1024,
  maxValueBytes: 100 * 1024 * 1024,
  maxEntries: 10_000,
} as const;

/** Validated settings. */
export interface FileSettings {
  directory: string;
  maxSizeBytes: number;
  maxValueBytes: number;
  maxEntries: number;
  clock: () => number;
}

const KNOWN = ['directory', 'maxSizeBytes', 'maxValueBytes', 'maxEntries', 'clock'];

function fail(message: string): never {
  throw new ConfigurationError(message);
}

function integer(value: unknown, option: string, min: number, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max) return value;
  return fail(
    `FileBackend option \`${option}\` must be an integer from ${min} to ${max}; got ${JSON.stringify(value)}. ` +
      `Fix: pass a whole number such as ${fallback}, or leave it out for the default.`,
  );
}

/** Validates options and fills in defaults. Throws `ConfigurationError`. */
export function validateFileOptions(options: FileBackendOptions): FileSettings {
  if (typeof options !== 'object' || options === null) {
    fail(`FileBackend options must be an object; got ${JSON.stringify(options)}. Fix: pass { directory: '/var/cache/myapp' }.`);
  }
  for (const name of Object.keys(options)) {
    if (name === 'operationTimeoutMs') fail(deadlineOptionMessage('FileBackend', name));
    if (!KNOWN.includes(name)) fail(`Unknown FileBackend option \`${name}\`. Known options: ${KNOWN.join(', ')}.`);
  }
  const { directory } = options;
  if (typeof directory !== 'string' || directory.trim() === '' || directory.includes('\0')) {
    fail(
      `FileBackend option \`directory\` must be a non-empty path; got ${JSON.stringify(directory)}. ` +
        'Fix: pass { directory: "/var/cache/myapp" } or set CACHEKIT_FILE_CACHE_DIR.',
    );
  }
  const maxSizeBytes = integer(options.maxSizeBytes, 'maxSizeBytes', 1024, FILE_BACKEND_DEFAULTS.maxSizeBytes);
  const half = Math.floor(maxSizeBytes / 2);
  const maxValueBytes = integer(
    options.maxValueBytes,
    'maxValueBytes',
    1,
    Math.min(FILE_BACKEND_DEFAULTS.maxValueBytes, half),
  );
  if (maxValueBytes > half) {
    fail(
      `FileBackend option \`maxValueBytes\` (${maxValueBytes}) must be at most 50% of \`maxSizeBytes\` (${maxSizeBytes}), ` +
        `so one value cannot evict the whole cache. Fix: set maxValueBytes <= ${half} or raise maxSizeBytes to >= ${maxValueBytes * 2}.`,
    );
  }
  const maxEntries = integer(options.maxEntries, 'maxEntries', 1, FILE_BACKEND_DEFAULTS.maxEntries);
  if (options.clock !== undefined && typeof options.clock !== 'function') {
    fail('FileBackend option `clock` must be a function returning milliseconds since the epoch.');
  }
  return {
    directory: path.resolve(directory),
    maxSizeBytes,
    maxValueBytes,
    maxEntries,
    clock: options.clock ?? Date.now,
  };
}
