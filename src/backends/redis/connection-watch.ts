/**
 * Knows when Redis is down for sure, so calls can fail at once instead of queueing behind a
 * reconnect loop.
 *
 * A single dropped connection is not "down": servers and load balancers close idle
 * connections, and ioredis re-dials within ~50 ms, so calls made meanwhile simply wait in the
 * offline queue. Down means a connection attempt itself failed: the first one (never ready
 * yet), or the re-dial after a drop. From then until the next `ready`, calls fail fast with a
 * transient error. Only the status events are observed, so a client the user owns keeps its
 * own `error` handling.
 */
import type { RedisClient } from './options';

/** Watches one ioredis client's `ready` and `close` events. */
export class ConnectionWatch {
  private everReady: boolean;
  private closesSinceReady = 0;
  private readonly onReady = (): void => {
    this.everReady = true;
    this.closesSinceReady = 0;
  };
  private readonly onClose = (): void => {
    this.closesSinceReady += 1;
  };

  constructor(private readonly client: RedisClient) {
    this.everReady = client.status === 'ready';
    client.on('ready', this.onReady);
    client.on('close', this.onClose);
  }

  /** True while the last connection attempt failed and no connection is ready. */
  get knownDown(): boolean {
    return this.closesSinceReady >= (this.everReady ? 2 : 1);
  }

  /** Stops watching. */
  dispose(): void {
    this.client.off('ready', this.onReady);
    this.client.off('close', this.onClose);
  }
}
