/**
 * Knows when Redis is down for sure, so calls can fail at once instead of queueing behind a
 * reconnect loop.
 *
 * A single dropped connection is not "down": servers and load balancers close idle
 * connections, and ioredis re-dials within ~50 ms, so calls made meanwhile simply wait in the
 * offline queue. Down means a connection attempt itself failed: the first one (never ready
 * yet), or the re-dial after a drop. From then until the next `ready`, calls fail fast.
 *
 * On a client cachekit created, the last connection error is remembered so a fast failure
 * carries its cause (a wrong password stays an `authentication` failure). On a client the
 * user owns only status events are observed, so its own `error` handling is unchanged.
 */
import type { BackendErrorKind } from '../../errors';
import { classifyRedisError } from '../classify';
import type { RedisClient } from './options';

/** Watches one ioredis client's `ready` and `close` events. */
export class ConnectionWatch {
  private everReady: boolean;
  private closesSinceReady = 0;
  private lastError: Error | undefined;
  private readonly onReady = (): void => {
    this.everReady = true;
    this.closesSinceReady = 0;
    this.lastError = undefined;
  };
  private readonly onClose = (): void => {
    this.closesSinceReady += 1;
  };
  private readonly onError = (err: Error): void => {
    this.lastError = err;
  };

  constructor(
    private readonly client: RedisClient,
    private readonly observeErrors: boolean,
  ) {
    this.everReady = client.status === 'ready';
    client.on('ready', this.onReady);
    client.on('close', this.onClose);
    if (observeErrors) client.on('error', this.onError);
  }

  /** True while the last connection attempt failed and no connection is ready. */
  get knownDown(): boolean {
    return this.closesSinceReady >= (this.everReady ? 2 : 1);
  }

  /** Kind of the last connection error since the last `ready`, if one was seen. */
  lastErrorKind(): BackendErrorKind | undefined {
    return this.lastError === undefined ? undefined : classifyRedisError(this.lastError);
  }

  /** Why the connection is down: kind and message of the last connection error, if known. */
  downReason(): { kind: BackendErrorKind; message: string } {
    const err = this.lastError;
    if (err === undefined) return { kind: 'transient', message: 'the connection is down and reconnecting' };
    // A connection that cannot be made is an outage even when the last attempt timed out.
    const kind = classifyRedisError(err);
    return {
      kind: kind === 'authentication' || kind === 'permanent' ? kind : 'transient',
      message: `the connection is down and reconnecting (last error: ${err.message})`,
    };
  }

  /** Stops watching. */
  dispose(): void {
    this.client.off('ready', this.onReady);
    this.client.off('close', this.onClose);
    if (this.observeErrors) this.client.off('error', this.onError);
  }
}
