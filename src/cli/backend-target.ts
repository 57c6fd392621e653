/**
 * Which backend a command works on: `--redis URL` or `--dir PATH`, else the environment variables
 * the library reads (`CACHEKIT_REDIS_URL`, else `REDIS_URL`, or `CACHEKIT_FILE_CACHE_DIR`).
 */
import path from 'node:path';
import { environmentBackendSpec } from '../backends/resolve';
import { ConfigurationError } from '../errors';
import { stringOption, type OptionValues } from './arguments';
import { DirectoryEntrySource } from './entries/directory-source';
import type { EntrySource } from './entries/entry-source';
import { RedisEntrySource } from './entries/redis-source';
import { CliError, ExitCode } from './exit-codes';

/** A backend, as named on the command line or in the environment. */
export type BackendTarget =
  | { readonly kind: 'redis'; readonly url: string; readonly cluster: boolean }
  | { readonly kind: 'dir'; readonly directory: string };

const NONE =
  'No backend given. Fix: pass --redis URL or --dir PATH, or set CACHEKIT_REDIS_URL (or REDIS_URL) or CACHEKIT_FILE_CACHE_DIR as the application does.';

/** The backend the options (else `env`) name. */
export function resolveTarget(options: OptionValues, env: NodeJS.ProcessEnv): BackendTarget {
  const redis = stringOption(options, 'redis');
  const dir = stringOption(options, 'dir');
  const cluster = options.cluster === true;
  if (redis !== undefined && dir !== undefined) throw new CliError('Pass either --redis or --dir, not both.', ExitCode.USAGE);
  if (cluster && dir !== undefined) throw new CliError('--cluster is for Redis; a file cache has no cluster. Fix: drop --cluster.', ExitCode.USAGE);
  if (redis !== undefined) return { kind: 'redis', url: redis, cluster };
  if (dir !== undefined) return { kind: 'dir', directory: path.resolve(dir) };
  let fromEnv: ReturnType<typeof environmentBackendSpec>;
  try {
    fromEnv = environmentBackendSpec(env);
  } catch (error) {
    if (error instanceof ConfigurationError) throw new CliError(`${firstSentence(error.message)} Fix: pass --redis or --dir to choose.`, ExitCode.USAGE);
    throw error;
  }
  if (fromEnv === null) throw new CliError(NONE, ExitCode.USAGE);
  const { spec } = fromEnv;
  if (typeof spec === 'object' && 'redis' in spec && typeof spec.redis === 'string') return { kind: 'redis', url: spec.redis, cluster };
  if (typeof spec === 'object' && 'file' in spec && typeof spec.file === 'string') {
    if (cluster) throw new CliError(`--cluster is for Redis, but ${fromEnv.variable} names a file cache. Fix: drop --cluster.`, ExitCode.USAGE);
    return { kind: 'dir', directory: path.resolve(spec.file) };
  }
  throw new CliError(NONE, ExitCode.USAGE);
}

/** The entry source of a target. A malformed URL is a USAGE error that never shows a password. */
export function entrySourceFor(target: BackendTarget): EntrySource {
  return target.kind === 'dir' ? new DirectoryEntrySource(target.directory) : new RedisEntrySource(target);
}

function firstSentence(message: string): string {
  const end = message.indexOf('. ');
  return end < 0 ? message : message.slice(0, end + 1);
}
