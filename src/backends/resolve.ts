/**
 * How a cache finds its L2 backend:
 *
 *   explicit `backend` option  >  `setDefaultBackend()`  >  environment  >  none (L1 only)
 *
 * - `backend: null` means L1 only, on purpose (no warning).
 * - The environment is `CACHEKIT_REDIS_URL` (else `REDIS_URL`) or `CACHEKIT_FILE_CACHE_DIR`;
 *   both a Redis URL and a file directory at once is a configuration error, never a guess.
 * - With nothing configured the cache is L1 only and says so once per process. It never
 *   connects to a default localhost Redis on its own.
 * - Backends built from the environment or from a URL string are shared per process (one
 *   connection pool per URL, one tally per directory), not one per wrapped function.
 */
import path from 'node:path';
import { ConfigurationError } from '../errors';
import { FileBackend } from './file/backend';
import type { FileBackendOptions } from './file/options';
import { MemoryBackend, type MemoryBackendOptions } from './memory';
import { RedisBackend } from './redis/backend';
import type { RedisBackendOptions } from './redis/options';
import { parseRedisUrl, redactRedisUrl } from './redis/url';
import type { CacheBackend } from './types';

/**
 * A backend described as data:
 * - a URL string: `redis://…`, `rediss://…`, `unix:///path/to/redis.sock`, `file:///path/to/dir`;
 * - `{ redis: url | RedisBackendOptions }`, `{ file: directory | FileBackendOptions }`,
 *   `{ memory: true | MemoryBackendOptions }`.
 */
export type BackendSpec =
  | string
  | { redis: string | RedisBackendOptions }
  | { file: string | FileBackendOptions }
  | { memory: true | MemoryBackendOptions };

/** What the `backend` option accepts: an instance, a spec, `null` (L1 only) or `undefined` (resolve). */
export type BackendOption = CacheBackend | BackendSpec | null | undefined;

/** Environment variables read by backend resolution. */
export const BACKEND_ENVIRONMENT_VARIABLES = {
  CACHEKIT_REDIS_URL: 'Redis URL for the shared L2 (redis://, rediss://, unix://); wins over REDIS_URL',
  REDIS_URL: 'Redis URL used when CACHEKIT_REDIS_URL is not set',
  CACHEKIT_FILE_CACHE_DIR: 'directory for a file-backed L2 on a single host',
} as const;

/** Warning code emitted (once per process) when no backend is configured. */
export const L1_ONLY_WARNING_CODE = 'CACHEKIT_L1_ONLY';

type Env = Record<string, string | undefined>;

const SPEC_HELP =
  "Pass a backend instance, a URL string ('redis://host:6379', 'rediss://…', 'unix:///path/redis.sock', " +
  "'file:///path/to/dir'), { redis: … }, { file: … }, { memory: true }, or null for L1 only.";

/** Whether `value` implements the required part of the backend protocol. */
export function isCacheBackend(value: unknown): value is CacheBackend {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return ['get', 'set', 'delete', 'exists', 'healthCheck'].every((m) => typeof candidate[m] === 'function');
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(redactRedisUrl(value));
  if (typeof value === 'object' && value !== null) return `an object with keys [${Object.keys(value).join(', ')}]`;
  return String(value);
}

/** Directory named by a `file://` URL. */
function fileUrlDirectory(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.host !== '' && parsed.host !== 'localhost') throw new Error('remote host');
    const directory = decodeURIComponent(parsed.pathname);
    if (directory === '' || directory === '/') throw new Error('no directory');
    return directory;
  } catch {
    throw new ConfigurationError(`Backend URL ${JSON.stringify(url)} is not a local directory. Fix: use file:///absolute/path/to/dir.`);
  }
}

/** Whether `value` is plain data (no functions, clients or class instances), so JSON identifies it. */
function isPlainData(value: unknown): boolean {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  if (Array.isArray(value)) return value.every(isPlainData);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value as object).every((v) => v === undefined || isPlainData(v));
}

/**
 * A stable identity for specs that can be shared per process, or undefined. Specs that carry
 * a client, a clock or other live objects are never shared: two of them are never "the same".
 */
function sharingKey(spec: BackendSpec): string | undefined {
  if (typeof spec === 'string') {
    return /^file:/i.test(spec) ? `file:${path.resolve(fileUrlDirectory(spec))}` : `redis:${spec}`;
  }
  if ('redis' in spec && typeof spec.redis === 'string') return `redis:${spec.redis}`;
  if ('file' in spec && typeof spec.file === 'string') return `file:${path.resolve(spec.file)}`;
  if ('memory' in spec) return undefined; // each memory spec is its own store
  return isPlainData(spec) ? `spec:${JSON.stringify(spec)}` : undefined;
}

/** Builds a new backend from a spec; the caller owns it (and closes it). */
export function createBackend(spec: BackendSpec): CacheBackend {
  if (typeof spec === 'string') {
    if (/^file:/i.test(spec)) return new FileBackend({ directory: fileUrlDirectory(spec) });
    if (/^(rediss?|unix|redis\+unix):/i.test(spec)) return new RedisBackend({ url: spec });
    throw new ConfigurationError(`Backend ${describe(spec)} has no scheme cachekit knows. ${SPEC_HELP}`);
  }
  if (typeof spec === 'object' && spec !== null) {
    const keys = Object.keys(spec);
    if (keys.length === 1 && 'redis' in spec) {
      return new RedisBackend(typeof spec.redis === 'string' ? { url: spec.redis } : spec.redis);
    }
    if (keys.length === 1 && 'file' in spec) {
      return new FileBackend(typeof spec.file === 'string' ? { directory: spec.file } : spec.file);
    }
    if (keys.length === 1 && 'memory' in spec) {
      return new MemoryBackend(spec.memory === true ? {} : spec.memory);
    }
  }
  throw new ConfigurationError(`Backend ${describe(spec)} is not a backend spec. ${SPEC_HELP}`);
}

/** The backend the environment configures, as a spec with the variable it came from. */
export function environmentBackendSpec(env: Env): { spec: BackendSpec; variable: string } | null {
  const nonEmpty = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const redisVariable = nonEmpty('CACHEKIT_REDIS_URL') !== undefined ? 'CACHEKIT_REDIS_URL' : 'REDIS_URL';
  const redisUrl = nonEmpty(redisVariable);
  const fileDir = nonEmpty('CACHEKIT_FILE_CACHE_DIR');
  if (redisUrl !== undefined && fileDir !== undefined) {
    throw new ConfigurationError(
      `Both ${redisVariable} and CACHEKIT_FILE_CACHE_DIR are set, so the L2 backend is ambiguous. ` +
        'Fix: unset one of them, or pass the `backend` option (or call setDefaultBackend()) to choose explicitly.',
    );
  }
  if (redisUrl !== undefined) {
    try {
      parseRedisUrl(redisUrl);
    } catch (err) {
      throw new ConfigurationError(`Environment variable ${redisVariable}: ${(err as Error).message}`, { cause: err });
    }
    return { spec: { redis: redisUrl }, variable: redisVariable };
  }
  if (fileDir !== undefined) return { spec: { file: fileDir }, variable: 'CACHEKIT_FILE_CACHE_DIR' };
  return null;
}

/** Resolution state: the process default, shared backends and the one-time warning. */
export class BackendResolver {
  private defaultBackend: CacheBackend | null = null;
  private readonly shared = new Map<string, CacheBackend>();
  private warned = false;

  constructor(
    private readonly warn: (message: string) => void = (message) =>
      process.emitWarning(message, { code: L1_ONLY_WARNING_CODE }),
  ) {}

  /** See `resolveBackend`. */
  resolve(explicit: BackendOption, env: Env): CacheBackend | null {
    if (explicit === null) return null;
    if (explicit !== undefined) {
      if (isCacheBackend(explicit)) return explicit;
      return this.sharedOrNew(explicit as BackendSpec);
    }
    if (this.defaultBackend !== null) return this.defaultBackend;
    const fromEnv = environmentBackendSpec(env);
    if (fromEnv !== null) return this.sharedOrNew(fromEnv.spec);
    if (!this.warned) {
      this.warned = true;
      this.warn(
        'cachekit: no L2 backend is configured (no `backend` option, no setDefaultBackend(), and none of ' +
          'CACHEKIT_REDIS_URL, REDIS_URL, CACHEKIT_FILE_CACHE_DIR set). Caching is in-process only: nothing is ' +
          'shared across processes or survives a restart. Pass `backend: null` to choose this explicitly.',
      );
    }
    return null;
  }

  private sharedOrNew(spec: BackendSpec): CacheBackend {
    const key = sharingKey(spec);
    if (key === undefined) return createBackend(spec);
    let backend = this.shared.get(key);
    if (backend === undefined) {
      backend = createBackend(spec);
      this.shared.set(key, backend);
    }
    return backend;
  }

  /** See `setDefaultBackend`. */
  setDefault(backend: CacheBackend | null): void {
    if (backend !== null && !isCacheBackend(backend)) {
      throw new ConfigurationError(
        `setDefaultBackend() needs a backend instance or null; got ${describe(backend)}. Fix: setDefaultBackend(createBackend('redis://…')).`,
      );
    }
    this.defaultBackend = backend;
  }

  /** See `getDefaultBackend`. */
  getDefault(): CacheBackend | null {
    return this.defaultBackend;
  }

  /** See `closeSharedBackends`. */
  async closeShared(): Promise<void> {
    const backends = [...this.shared.values()];
    this.shared.clear();
    await Promise.all(backends.map((b) => b.close?.()));
  }
}

const processResolver = new BackendResolver();

/**
 * The backend a cache uses: `explicit` when given (an instance as is, a spec built — URL
 * strings shared per process), `null` for L1 only, else the process default, else the
 * environment, else `null` with a one-time warning. Throws `ConfigurationError` for bad specs
 * or an ambiguous environment.
 */
export function resolveBackend(explicit: BackendOption, env: Env = process.env): CacheBackend | null {
  return processResolver.resolve(explicit, env);
}

/** Sets (or with `null` clears) the backend used by caches that do not name one. */
export function setDefaultBackend(backend: CacheBackend | null): void {
  processResolver.setDefault(backend);
}

/** The backend set with `setDefaultBackend()`, or `null`. */
export function getDefaultBackend(): CacheBackend | null {
  return processResolver.getDefault();
}

/**
 * Closes the backends resolution created and shared (from the environment or URL strings),
 * e.g. at shutdown so open Redis connections do not keep the process alive.
 */
export function closeSharedBackends(): Promise<void> {
  return processResolver.closeShared();
}
