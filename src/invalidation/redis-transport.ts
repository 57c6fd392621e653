/**
 * How bus messages travel over Redis. Standalone and Sentinel: one channel, PUBLISH/SUBSCRIBE
 * on a dedicated subscriber connection (a duplicate of the backend's client, which follows a
 * Sentinel failover like the client does). Cluster: sharded pub/sub (SPUBLISH/SSUBSCRIBE,
 * Redis ≥ 7) over `CLUSTER_SHARDS` channels whose hash tags spread them over the slots; a
 * key's messages always go through the shard its key hashes to (so they stay in order), and
 * each channel is served by the node that owns its slot instead of being broadcast over the
 * cluster bus. Every process subscribes to every shard.
 */
import type { Cluster, Redis } from 'ioredis';
import type { RedisClient } from '../backends/redis/options';

/** Sharded channels on a Cluster. */
export const CLUSTER_SHARDS = 16;

/**
 * How often the subscriber connection is pinged, ms. A connection can stay open while nothing
 * reaches it (a network partition, a stuck proxy): an unanswered ping within this time closes
 * it, which reports the link down and reconnects.
 */
export const SUBSCRIBER_PING_MS = 500;

/** What the transport reports to the bus. */
export interface TransportHandlers {
  /** A frame arrived on `shard`. */
  message(shard: number, frame: Buffer): void;
  /** The subscription is (again) in place: messages from now on arrive. */
  linkUp(): void;
  /** The subscriber connection dropped: messages may be missed until `linkUp`. */
  linkDown(reason: string): void;
}

/** Moves bus frames. */
export interface BusTransport {
  /** Channels messages are spread over (1 unless sharded). */
  readonly shards: number;
  /** The shard carrying messages about `key`. */
  shardOf(key: string): number;
  /** Opens the subscriber connection and subscribes; link changes are reported from then on. */
  start(handlers: TransportHandlers): void;
  /** Publishes `frame` on `shard`'s channel; rejects when Redis could not take it. */
  publish(shard: number, frame: Buffer): Promise<void>;
  /** Closes the subscriber connection (the backend's own client is left alone). */
  close(): Promise<void>;
}

/** FNV-1a over UTF-16 code units: a cheap, stable spread of keys over shards. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The transport for a backend's ioredis client, on channel `channel`. */
export function redisTransport(client: RedisClient, channel: string): BusTransport {
  return client.isCluster ? new ShardedTransport(client as Cluster, channel) : new ChannelTransport(client as Redis, channel);
}

/** PUBLISH/SUBSCRIBE on one channel (standalone and Sentinel). */
class ChannelTransport implements BusTransport {
  readonly shards = 1;
  private subscriber: Redis | undefined;
  private pinger: ReturnType<typeof setInterval> | undefined;
  private readonly channelBuffer: Buffer;

  constructor(
    private readonly client: Redis,
    private readonly channel: string,
  ) {
    this.channelBuffer = Buffer.from(channel);
  }

  shardOf(): number {
    return 0;
  }

  start(handlers: TransportHandlers): void {
    // A subscriber connection waits for messages for as long as it lives: no socket timeout,
    // and it keeps reconnecting (ioredis re-subscribes on its own).
    const subscriber = this.client.duplicate({ socketTimeout: undefined, autoResubscribe: true, connectionName: 'cachekit-bus' });
    this.subscriber = subscriber;
    subscriber.on('messageBuffer', (channel: Buffer, frame: Buffer) => {
      if (channel.equals(this.channelBuffer)) handlers.message(0, frame);
    });
    const subscribe = (): void => {
      subscriber.subscribe(this.channel).then(
        () => handlers.linkUp(),
        (error: unknown) => handlers.linkDown(`subscribe failed: ${(error as Error).message}`),
      );
    };
    subscriber.on('ready', subscribe);
    subscriber.on('close', () => handlers.linkDown('the subscriber connection closed'));
    // Errors surface as link changes; without a listener ioredis would print each one.
    subscriber.on('error', () => undefined);
    subscriber.connect().catch(() => undefined);
    this.pinger = setInterval(() => {
      if (subscriber.status !== 'ready') return;
      let answered = false;
      subscriber.ping().then(
        () => (answered = true),
        () => undefined,
      );
      const check = setTimeout(() => {
        if (!answered && subscriber.status === 'ready') subscriber.disconnect(true);
      }, SUBSCRIBER_PING_MS);
      check.unref();
    }, SUBSCRIBER_PING_MS);
    this.pinger.unref();
  }

  async publish(_shard: number, frame: Buffer): Promise<void> {
    await this.client.publish(this.channel, frame);
  }

  async close(): Promise<void> {
    if (this.pinger !== undefined) clearInterval(this.pinger);
    this.subscriber?.disconnect();
  }
}

/** SPUBLISH/SSUBSCRIBE over `CLUSTER_SHARDS` channels (Redis Cluster). */
class ShardedTransport implements BusTransport {
  readonly shards = CLUSTER_SHARDS;
  private subscriber: Cluster | undefined;
  private readonly channels: string[];
  private readonly shardByChannel: Map<string, number>;

  constructor(
    private readonly client: Cluster,
    channel: string,
  ) {
    // `{n}` is the hash tag: the channel lives in the slot of "n".
    this.channels = Array.from({ length: CLUSTER_SHARDS }, (_, i) => `${channel}:{${i}}`);
    this.shardByChannel = new Map(this.channels.map((name, i) => [name, i]));
  }

  shardOf(key: string): number {
    return hashString(key) % CLUSTER_SHARDS;
  }

  start(handlers: TransportHandlers): void {
    const subscriber = this.client.duplicate(undefined, { shardedSubscribers: true, lazyConnect: true } as never);
    this.subscriber = subscriber;
    subscriber.on('smessageBuffer', (channel: Buffer, frame: Buffer) => {
      const shard = this.shardByChannel.get(channel.toString());
      if (shard !== undefined) handlers.message(shard, frame);
    });
    const subscribe = (): void => {
      // One SSUBSCRIBE per channel: the channels hash to different slots.
      Promise.all(this.channels.map((name) => (subscriber as unknown as { ssubscribe(channel: string): Promise<unknown> }).ssubscribe(name))).then(
        () => handlers.linkUp(),
        (error: unknown) => handlers.linkDown(`ssubscribe failed: ${(error as Error).message}`),
      );
    };
    subscriber.on('ready', subscribe);
    subscriber.on('close', () => handlers.linkDown('the subscriber connections closed'));
    subscriber.on('error', () => undefined);
    subscriber.on('node error', () => undefined);
    subscriber.connect().catch(() => undefined);
  }

  async publish(shard: number, frame: Buffer): Promise<void> {
    await (this.client as unknown as { spublish(channel: string, message: Buffer): Promise<number> }).spublish(this.channels[shard] as string, frame);
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
  }
}
