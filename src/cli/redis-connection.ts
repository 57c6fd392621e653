/**
 * The library's Redis backend for a CLI target, plus what ioredis hides: when a connection
 * cannot be made, commands fail with "max retries per request", and only the client's `error`
 * events say why (connection refused, wrong password, TLS). The last one is kept to explain.
 */
import { RedisBackend } from '../backends/redis/backend';
import { redactRedisUrl } from '../backends/redis/url';
import { ConfigurationError } from '../errors';
import { CliError, ExitCode } from './exit-codes';

/** A connection to the Redis a command works on. */
export interface RedisConnection {
  readonly backend: RedisBackend;
  /** `Redis at redis://host:port` (password redacted), for messages. */
  readonly description: string;
  /** `failure`, with the last connection error when there was one. */
  explain(failure: string): string;
}

/** Builds the backend (lazily connected). A malformed URL is a USAGE error that never shows its password. */
export function connectRedis(target: { readonly url: string; readonly cluster: boolean }): RedisConnection {
  let backend: RedisBackend;
  try {
    backend = new RedisBackend(target.cluster ? { cluster: { nodes: [target.url] } } : { url: target.url });
  } catch (error) {
    if (error instanceof ConfigurationError) throw new CliError(error.message, ExitCode.USAGE);
    throw error;
  }
  let lastError: Error | undefined;
  backend.client.on('error', (error: Error) => {
    lastError = error;
  });
  backend.client.on('ready', () => {
    lastError = undefined;
  });
  return {
    backend,
    description: `${target.cluster ? 'Redis Cluster' : 'Redis'} at ${redactRedisUrl(target.url)}`,
    explain: (failure) => (lastError === undefined || failure.includes(lastError.message) ? failure : `${lastError.message} (${failure})`),
  };
}
