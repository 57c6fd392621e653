/**
 * Concurrent reads gathered into one MGET. ioredis spends about 3 µs of CPU on every command
 * it sends (the command object, its promise, argument encoding, reply routing); with many
 * reads in flight that, not Redis, is what limits throughput. A read made while other commands
 * are in flight waits for the current burst of promise callbacks to finish (`process.nextTick`)
 * and goes out with every other read made meanwhile as one `MGET`: one command and one reply
 * for the lot. A read made while nothing is in flight is never held back: the backend sends it
 * as a plain `GET` at once.
 *
 * Order: the backend flushes the batch before it sends any other command, so commands still
 * reach Redis in the order they were made (a `SET` followed by a `GET` of the same key reads
 * the new value, a `GET` followed by a `SET` the old one).
 *
 * `MGET` answers nil for a key that holds another type, where `GET` fails with WRONGTYPE:
 * either way the cache treats it as a miss (and overwrites it on the next write). A server
 * that refuses `MGET` (an ACL without it, a renamed command) turns batching off for good; the
 * reads of the refused batch are sent again one by one.
 */

/** Most keys in one MGET; a full batch is sent at once. */
export const MAX_BATCH_KEYS = 128;

/** How the batcher reaches Redis. */
export interface BatchTransport {
  /** Sends `MGET keys` (more than one key); resolves with one value (or null) per key, in order. */
  readMany(keys: string[]): Promise<Array<Buffer | null>>;
  /** Sends `GET key` (a batch of one). */
  readOne(key: string): Promise<Buffer | null>;
  /** The error a failed batch gives each of its reads (classified, naming the key). */
  failure(error: unknown, key: string): unknown;
  /** Whether `error` says the server refuses MGET itself (not this batch's keys or the link). */
  refusesBatches(error: unknown): boolean;
}

/** Reads waiting for the next MGET. */
export class ReadBatcher {
  private keys: string[] = [];
  private resolvers: Array<(value: Buffer | null) => void> = [];
  private rejecters: Array<(error: unknown) => void> = [];
  private scheduled = false;
  private refused = false;

  constructor(private readonly transport: BatchTransport) {}

  /** False once the server refused MGET: reads then go out one by one. */
  get enabled(): boolean {
    return !this.refused;
  }

  /** Reads waiting to be sent. */
  get size(): number {
    return this.keys.length;
  }

  /** Queues a read of `key` for the next batch. */
  read(key: string): Promise<Buffer | null> {
    return new Promise<Buffer | null>((resolve, reject) => {
      this.keys.push(key);
      this.resolvers.push(resolve);
      this.rejecters.push(reject);
      if (this.keys.length >= MAX_BATCH_KEYS) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        process.nextTick(this.flushScheduled);
      }
    });
  }

  /** Sends the waiting reads now (no-op when none wait). */
  flush(): void {
    const keys = this.keys;
    if (keys.length === 0) return;
    const resolvers = this.resolvers;
    const rejecters = this.rejecters;
    this.keys = [];
    this.resolvers = [];
    this.rejecters = [];
    const fail = (error: unknown): void => {
      for (let i = 0; i < rejecters.length; i++) rejecters[i]!(this.transport.failure(error, keys[i]!));
    };
    let reply: Promise<Array<Buffer | null>> | Promise<Buffer | null>;
    try {
      reply = keys.length === 1 ? this.transport.readOne(keys[0]!) : this.transport.readMany(keys);
    } catch (error) {
      fail(error);
      return;
    }
    if (keys.length === 1) {
      (reply as Promise<Buffer | null>).then(resolvers[0]!, fail);
      return;
    }
    (reply as Promise<Array<Buffer | null>>).then(
      (values) => {
        // A reply that does not line up with the keys must not hand anyone another key's value.
        if (!Array.isArray(values) || values.length !== keys.length) {
          fail(new Error(`MGET of ${keys.length} keys answered ${Array.isArray(values) ? values.length : typeof values} values`));
          return;
        }
        for (let i = 0; i < resolvers.length; i++) resolvers[i]!(values[i] ?? null);
      },
      (error: unknown) => {
        if (!this.transport.refusesBatches(error)) {
          fail(error);
          return;
        }
        this.refused = true;
        for (let i = 0; i < keys.length; i++) this.resendAlone(keys[i]!, resolvers[i]!, rejecters[i]!);
      },
    );
  }

  private resendAlone(key: string, resolve: (value: Buffer | null) => void, reject: (error: unknown) => void): void {
    let reply: Promise<Buffer | null>;
    try {
      reply = this.transport.readOne(key);
    } catch (error) {
      reject(this.transport.failure(error, key));
      return;
    }
    reply.then(resolve, (error: unknown) => reject(this.transport.failure(error, key)));
  }

  private readonly flushScheduled = (): void => {
    this.scheduled = false;
    this.flush();
  };
}
