/**
 * The Redis backend (ioredis): standalone, Cluster or Sentinel. Moves bytes only — keys arrive
 * fully built (tenant prefix included) from the cache layer; the one key it derives is the
 * lock key `<key>:lock`, shared with cachekit-py.
 *
 * It holds no timers: an operation fails at once while Redis is known to be down, and
 * otherwise ends when Redis answers or the caller's signal aborts. Through the cache, the
 * reliability layer bounds every call (`reliability.timeouts`); the connection-level bounds
 * (`connectTimeoutMs`, `socketTimeoutMs`) turn a dead or frozen server into failing calls.
 *
 * About 420 lines because it is one method per protocol operation (fifteen) around one shared
 * send path; each part that stands alone lives beside it (client, read-batcher, clear-prefix,
 * connection-watch, health, lock-scripts).
 */
import type { Cluster, Redis } from 'ioredis';
import { BackendError, type BackendErrorKind } from '../../errors';
import {
  backendClosed,
  checkKey,
  checkPrefix,
  checkPositiveTtl,
  checkTtlSeconds,
  checkLockCall,
  checkValue,
} from '../arguments';
import { classifyRedisError } from '../classify';
import { backendFailure, unlessAborted } from '../abort';
import type { BackendCallOptions, BackendEntry, BackendHealth, CacheBackend } from '../types';
import { clearPrefix, type CommandStep } from './clear-prefix';
import { ConnectionWatch } from './connection-watch';
import { checkRedisHealth } from './health';
import { lockKeyOf } from '../lock-key';
import { RELEASE_LOCK, RENEW_LOCK, SET_AND_RELEASE_LOCK } from './lock-scripts';
import { createRedisClient } from './client';
import { ReadBatcher } from './read-batcher';
import { validateRedisOptions, type RedisBackendOptions, type RedisClient, type RedisSettings } from './options';

const BACKEND = 'redis';

/** Longest wait for QUIT (and then the socket's end) on close, ms: a frozen server never answers. */
const QUIT_WAIT_MS = 500;

/** Arguments of SET's expiry: whole seconds as EX (as cachekit-py's SETEX), fractions as PX. */
function expiryArgs(ttlSeconds: number): ['EX', number] | ['PX', number] | [] {
  if (ttlSeconds === 0) return [];
  if (Number.isInteger(ttlSeconds)) return ['EX', ttlSeconds];
  return ['PX', Math.max(1, Math.round(ttlSeconds * 1000))];
}

/** A reply refusing the MGET command itself: an ACL without it, or a renamed command. */
function refusesMget(error: unknown): boolean {
  const message = error instanceof Error ? error.message : '';
  return message.startsWith('NOPERM') || /^ERR unknown command/i.test(message);
}

/** The Redis backend. */
export class RedisBackend implements CacheBackend {
  readonly backendType = 'redis';
  /** The ioredis client in use (for example to `duplicate()` a pub/sub connection). */
  readonly client: RedisClient;
  /** Whether `close()` quits the client (false for a client the caller passed in). */
  readonly ownsClient: boolean;
  /** The timing settings in force. */
  readonly settings: Readonly<RedisSettings>;

  private readonly watch: ConnectionWatch;
  private closed = false;
  private readonly closeTasks: Array<() => Promise<void>> = [];
  /** Commands this backend has sent (or queued) and not yet seen settle. */
  private inFlight = 0;
  /** Whether auto-pipelining is switched per command (only on a client cachekit created). */
  private readonly adaptivePipelining: boolean;
  /** Concurrent GETs waiting to go out as one MGET (standalone and Sentinel, with pipelining on). */
  private readonly reads: ReadBatcher | undefined;
  /** True while `together` runs: its commands go straight into the corked socket. */
  private grouping = false;

  constructor(options: RedisBackendOptions) {
    this.settings = validateRedisOptions(options);
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? createRedisClient(options, this.settings);
    // On a client cachekit created, the watch's `error` listener also keeps ioredis from
    // printing every failed reconnect to the console: failures surface as rejected calls.
    this.watch = new ConnectionWatch(this.client, this.ownsClient);
    this.adaptivePipelining = this.ownsClient && this.settings.autoPipelining;
    // MGET across hash slots fails on a Cluster (CROSSSLOT): reads there stay single GETs.
    this.reads =
      this.settings.autoPipelining && !this.client.isCluster
        ? new ReadBatcher({
            readMany: (keys) => this.sendBatch(() => (this.client as Redis).mgetBuffer(keys)),
            readOne: (key) => this.sendBatch(() => this.client.getBuffer(key)),
            failure: (error, key) => backendFailure(error, { backend: BACKEND, operation: 'get', key }, this.classify),
            refusesBatches: refusesMget,
          })
        : undefined;
  }

  /**
   * Prepares to send one command. ioredis's auto-pipelining holds every command until the next
   * event loop turn (setImmediate) to batch it with others: a win under concurrency, pure
   * latency for a lone call. So it is switched on only while other commands are in flight; a
   * command sent while nothing is in flight goes out at once. Order is kept: once anything is
   * in flight, everything queues behind it.
   */
  private beforeSend(batch: boolean): void {
    // Reads waiting for their MGET were made first: they go out first.
    if (this.reads !== undefined && this.reads.size > 0) this.reads.flush();
    if (this.adaptivePipelining) {
      // A batch of reads is already one command, and the commands of `together` share one write:
      // they are written at once unless commands wait in the auto-pipeline (they must not
      // overtake them), saving a pipeline and an event-loop turn.
      const pipelined = batch || this.grouping ? (this.client as Redis).autoPipelineQueueSize > 0 : this.inFlight > 0;
      (this.client.options as { enableAutoPipelining?: boolean }).enableAutoPipelining = pipelined;
    }
    this.inFlight++;
  }

  /**
   * Runs `issue` with the connection's socket corked, so the commands it sends leave in one
   * write when it returns (see `CacheBackend.together`): a read and the lock asked with it
   * otherwise take two writes, and the second waits for the auto-pipeline's next turn. Cluster
   * clients (a connection per node), a connection not yet ready (commands wait in ioredis's
   * queue) and a nested call just run `issue`.
   */
  together<T>(issue: () => T): T {
    const client = this.client;
    if (this.grouping || client.isCluster || client.status !== 'ready') return issue();
    const socket = (client as Redis).stream;
    this.grouping = true;
    socket.cork();
    try {
      return issue();
    } finally {
      this.grouping = false;
      socket.uncork();
    }
  }

  /** Sends a batch of reads and counts it in flight until it settles; failures stay raw (the batcher classifies them per key). */
  private sendBatch<T>(command: () => Promise<T>): Promise<T> {
    this.beforeSend(true);
    const pending = attempt(command);
    pending.then(this.settled, this.settled);
    return pending;
  }

  private readonly settled = (): void => {
    this.inFlight--;
  };

  /**
   * Sends one operation's command: counted in flight, its failure classified, its reply dropped
   * for writes (`discardResult`) — one promise hop — and raced against the caller's signal if
   * there is one.
   */
  private send<T>(
    operation: string,
    key: string | undefined,
    options: BackendCallOptions | undefined,
    command: () => Promise<T>,
    discardResult = false,
  ): Promise<T> {
    this.beforeSend(false);
    const sent = attempt(command).then((discardResult ? this.settledDiscarding : this.settledWith) as (value: T) => T, (err: unknown) => {
      this.inFlight--;
      throw backendFailure(err, { backend: BACKEND, operation, key }, this.classify);
    });
    return unlessAborted(sent, options?.signal, { backend: BACKEND, operation, key });
  }

  private readonly settledWith = (value: unknown): unknown => {
    this.inFlight--;
    return value;
  };

  private readonly settledDiscarding = (): undefined => {
    this.inFlight--;
    return undefined;
  };

  /** Runs one logical operation under the fast-fail rule and the caller's signal. */
  private run<T>(operation: string, key: string | undefined, options: BackendCallOptions | undefined, start: () => Promise<T>): Promise<T> {
    const refused = this.refusal(operation, key);
    if (refused !== undefined) return refused;
    return this.send(operation, key, options, start);
  }

  /** The rejection for a call that must not reach Redis (closed backend, or known down). */
  private refusal(operation: string, key: string | undefined): Promise<never> | undefined {
    if (this.closed) return Promise.reject(backendClosed(BACKEND, operation, key));
    if (!this.watch.knownDown) return undefined;
    const reason = this.watch.downReason();
    return Promise.reject(new BackendError(`${BACKEND} ${operation} failed fast: ${reason.message}`, reason.kind, { operation, key }));
  }

  /**
   * `classifyRedisError`, except that a command flushed because its connection attempt failed
   * takes the kind of that failure: a wrong password stays `authentication`.
   */
  private readonly classify = (err: unknown): BackendErrorKind => {
    const kind = classifyRedisError(err);
    if (kind === 'transient' && err instanceof Error && err.name === 'MaxRetriesPerRequestError') {
      const cause = this.watch.lastErrorKind();
      if (cause === 'authentication' || cause === 'permanent') return cause;
    }
    return kind;
  };

  /** A `CommandStep` bound to one operation, for multi-command work (clear, health). */
  private stepper(operation: string, key: string | undefined, options?: BackendCallOptions): CommandStep {
    return <T>(command: () => Promise<T>) => this.run(operation, key, options, command);
  }

  get(key: string, options?: BackendCallOptions): Promise<Buffer | null> {
    try {
      checkKey(BACKEND, 'get', key);
    } catch (err) {
      return Promise.reject(err);
    }
    const refused = this.refusal('get', key);
    if (refused !== undefined) return refused;
    return unlessAborted(this.read(key), options?.signal, { backend: BACKEND, operation: 'get', key });
  }

  /**
   * One GET: joins the pending MGET batch while other commands are in flight (or reads already
   * wait), otherwise goes out at once.
   */
  private read(key: string): Promise<Buffer | null> {
    const reads = this.reads;
    if (reads !== undefined && (this.inFlight > 0 || reads.size > 0) && reads.enabled) return reads.read(key);
    return this.send('get', key, undefined, () => this.client.getBuffer(key));
  }

  set(key: string, value: Buffer, ttlSeconds?: number, options?: BackendCallOptions): Promise<void> {
    let expiry: ReturnType<typeof expiryArgs>;
    try {
      checkKey(BACKEND, 'set', key);
      checkValue(BACKEND, 'set', key, value);
      expiry = expiryArgs(checkTtlSeconds(BACKEND, 'set', key, ttlSeconds));
    } catch (err) {
      return Promise.reject(err);
    }
    const refused = this.refusal('set', key);
    if (refused !== undefined) return refused;
    const write = () => (expiry.length === 0 ? this.client.set(key, value) : this.client.set(key, value, expiry[0] as 'EX', expiry[1]));
    return this.send('set', key, options, write, true) as Promise<unknown> as Promise<void>;
  }

  async delete(key: string, options?: BackendCallOptions): Promise<boolean> {
    checkKey(BACKEND, 'delete', key);
    // UNLINK frees large values off the server's main thread; the reply is the same as DEL's.
    return (await this.run('delete', key, options, () => this.client.unlink(key))) > 0;
  }

  async exists(key: string, options?: BackendCallOptions): Promise<boolean> {
    checkKey(BACKEND, 'exists', key);
    return (await this.run('exists', key, options, () => this.client.exists(key))) > 0;
  }

  async healthCheck(): Promise<BackendHealth> {
    if (this.closed) {
      return { ok: false, latencyMs: -1, backendType: BACKEND, details: { error: 'the backend is closed' } };
    }
    return checkRedisHealth(this.client, this.stepper('healthCheck', undefined));
  }

  async getTtl(key: string, options?: BackendCallOptions): Promise<number | null> {
    checkKey(BACKEND, 'getTtl', key);
    const ms = await this.run('getTtl', key, options, () => this.client.pttl(key));
    // -2: no such key; -1: no expiry. Round up so a live key never reports 0.
    return ms < 0 ? null : Math.max(1, Math.ceil(ms / 1000));
  }

  async refreshTtl(key: string, ttlSeconds: number, options?: BackendCallOptions): Promise<boolean> {
    checkKey(BACKEND, 'refreshTtl', key);
    const ttl = checkPositiveTtl(BACKEND, 'refreshTtl', key, ttlSeconds);
    const result = await this.run('refreshTtl', key, options, () =>
      Number.isInteger(ttl) ? this.client.expire(key, ttl) : this.client.pexpire(key, Math.max(1, Math.round(ttl * 1000))),
    );
    return result === 1;
  }

  async acquireLock(key: string, token: string, leaseMs: number, options?: BackendCallOptions): Promise<boolean> {
    checkLockCall(BACKEND, 'acquireLock', key, token, leaseMs);
    const reply = await this.run('acquireLock', key, options, () =>
      this.client.set(lockKeyOf(key), token, 'PX', leaseMs, 'NX'),
    );
    return reply === 'OK';
  }

  async renewLock(key: string, token: string, leaseMs: number, options?: BackendCallOptions): Promise<boolean> {
    checkLockCall(BACKEND, 'renewLock', key, token, leaseMs);
    const reply = await this.run('renewLock', key, options, () =>
      RENEW_LOCK.run(this.client, lockKeyOf(key), token, leaseMs),
    );
    return reply === 1;
  }

  async releaseLock(key: string, token: string, options?: BackendCallOptions): Promise<boolean> {
    checkLockCall(BACKEND, 'releaseLock', key, token);
    const reply = await this.run('releaseLock', key, options, () =>
      RELEASE_LOCK.run(this.client, lockKeyOf(key), token),
    );
    return reply === 1;
  }

  /**
   * One script on standalone and Sentinel. On a Cluster the entry and `<key>:lock` live in
   * different slots, which one script cannot touch: the SET, then the release once it landed.
   */
  async setAndReleaseLock(key: string, value: Buffer, ttlSeconds: number | undefined, token: string, options?: BackendCallOptions): Promise<void> {
    checkLockCall(BACKEND, 'setAndReleaseLock', key, token);
    if (this.client.isCluster) {
      await this.set(key, value, ttlSeconds, options);
      await this.releaseLock(key, token, options);
      return;
    }
    checkValue(BACKEND, 'setAndReleaseLock', key, value);
    const [mode = '', amount = 0] = expiryArgs(checkTtlSeconds(BACKEND, 'setAndReleaseLock', key, ttlSeconds));
    await this.run('setAndReleaseLock', key, options, () => SET_AND_RELEASE_LOCK.run(this.client, [key, lockKeyOf(key)], value, mode, amount, token));
  }

  async getMany(keys: readonly string[], options?: BackendCallOptions): Promise<Array<Buffer | null>> {
    for (const key of keys) checkKey(BACKEND, 'getMany', key);
    if (keys.length === 0) return [];
    return this.run('getMany', keys[0], options, () =>
      this.client.isCluster
        ? // MGET across slots raises CROSSSLOT; per-key GETs are pipelined per node instead.
          Promise.all(keys.map((k) => this.client.getBuffer(k)))
        : (this.client as Redis).mgetBuffer(...keys),
    );
  }

  async setMany(entries: readonly BackendEntry[], options?: BackendCallOptions): Promise<void> {
    const checked = entries.map(({ key, value, ttlSeconds }) => {
      checkKey(BACKEND, 'setMany', key);
      checkValue(BACKEND, 'setMany', key, value);
      return { key, value, expiry: expiryArgs(checkTtlSeconds(BACKEND, 'setMany', key, ttlSeconds)) };
    });
    if (checked.length === 0) return;
    await this.run(
      'setMany',
      checked[0]?.key,
      options,
      async () => {
        if (this.client.isCluster) {
          const cluster = this.client as Cluster;
          await Promise.all(
            checked.map(({ key, value, expiry }) =>
              expiry.length === 0 ? cluster.set(key, value) : cluster.set(key, value, expiry[0] as 'EX', expiry[1]),
            ),
          );
          return;
        }
        if (this.settings.autoPipelining && this.ownsClient) {
          // Queued in the auto-pipeline, the SETs go out as one write on the next event loop turn,
          // after the caller (many()) has its answers, instead of a write syscall before them;
          // commands sent meanwhile queue behind them (this batch is in flight), so order holds.
          (this.client.options as { enableAutoPipelining?: boolean }).enableAutoPipelining = true;
          const redis = this.client as Redis;
          await Promise.all(checked.map(({ key, value, expiry }) => (expiry.length === 0 ? redis.set(key, value) : redis.set(key, value, expiry[0] as 'EX', expiry[1]))));
          return;
        }
        const pipeline = (this.client as Redis).pipeline();
        for (const { key, value, expiry } of checked) {
          if (expiry.length === 0) pipeline.set(key, value);
          else pipeline.set(key, value, expiry[0] as 'EX', expiry[1]);
        }
        const results = (await pipeline.exec()) ?? [];
        const failure = results.find(([err]) => err !== null)?.[0];
        if (failure) throw failure;
      },
    );
  }

  async clearPrefix(prefix: string, options?: BackendCallOptions): Promise<number> {
    checkPrefix(BACKEND, prefix);
    if (this.closed) throw backendClosed(BACKEND, 'clearPrefix', prefix);
    return clearPrefix(this.client, prefix, this.stepper('clearPrefix', prefix, options));
  }

  /**
   * Runs `task` when the backend closes, before its own connection does: connections derived
   * from its client (the invalidation bus's subscriber) close with it.
   */
  onClose(task: () => Promise<void>): void {
    this.closeTasks.push(task);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.closeTasks.splice(0).map((task) => task().catch(() => undefined)));
    // Commands accepted before close() get their answer (or error), not a closed socket: the
    // batched reads are sent, and QUIT waits for the auto-pipeline's next write (setImmediate)
    // instead of overtaking it.
    this.reads?.flush();
    this.watch.dispose();
    if (!this.ownsClient) return;
    if (this.inFlight > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const client = this.client;
    // Errors while shutting down are expected and must not reach the console.
    client.on('error', () => undefined);
    if (client.status !== 'ready' && client.status !== 'connect' && client.status !== 'connecting') {
      // No live socket (never connected, ended, or between reconnect attempts): stopping the
      // reconnect timer is all there is to do.
      client.disconnect();
      return;
    }
    // QUIT lets pending replies arrive; a frozen server would never answer it, so it gets a
    // bounded wait and the connection is closed hard afterwards either way.
    const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
    await raceTimeout(client.quit().catch(() => undefined), QUIT_WAIT_MS);
    const connections = client.isCluster ? (client as Cluster).nodes() : [client as Redis];
    client.disconnect();
    // disconnect() only half-closes the socket; a frozen peer never completes the close, and
    // the open socket would keep the process alive.
    for (const connection of connections) {
      connection.stream?.destroy();
      // ioredis leaves its socket-timeout timer armed after a disconnect; it would keep the
      // process alive for up to socketTimeoutMs after close().
      const timer = (connection as unknown as { socketTimeoutTimer?: ReturnType<typeof setTimeout> }).socketTimeoutTimer;
      if (timer !== undefined) clearTimeout(timer);
    }
    await raceTimeout(ended, QUIT_WAIT_MS);
  }
}

/** `command()`, with a synchronous throw turned into a rejection. */
function attempt<T>(command: () => Promise<T>): Promise<T> {
  try {
    return command();
  } catch (err) {
    return Promise.reject(err);
  }
}

/** Waits for `promise`, but at most `ms`. */
async function raceTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
