/**
 * The invalidation bus: keeps the L1s of many processes coherent over Redis pub/sub. Every
 * write, `invalidate()` and `cacheClear()` of a process announces the stored keys (or key
 * prefixes) it changed; every other process drops its L1 copies of them. Values never travel.
 *
 * Nothing is lost silently:
 * - Announcements are batched per event-loop turn (one publish per shard per turn). A fill's
 *   announcement (a value written after a miss or a refresh, that nobody waits for) may wait
 *   `FILL_GATHER_MS` to share its publish with others. No peer can hold a copy of a key that
 *   was missing from L2 unless its copy outlived its entry there; after a refresh, a peer serves
 *   the value it replaces a few ms longer, as it would had the refresh come a few ms later. So
 *   the delay changes nothing a reader can rely on, and a process filling many keys in a row
 *   publishes once per gathering instead of once per write (a publish costs about a round trip
 *   of work at both ends).
 * - A publish that fails is queued (newest per key wins, bounded) and sent again once Redis
 *   takes publishes again; a queue that overflows becomes one "drop everything" announcement.
 * - While the subscriber is not connected, announcements may be missed: the L1 entries of the
 *   caches on this bus are capped to `degradedTtlMs` (existing ones and new ones), and when it is
 *   back every entry written before is dropped, since a message for any of them may have been
 *   missed. The staleness bound holds whether the bus works or not.
 * - A process ignores its own announcements (instance id): it already changed its own L1.
 * - Tag invalidations travel on it too (`tagsStamped`): peers raise their tag stamp tables
 *   (see `tags/tag-stamps.ts`), which hear of link losses and gaps like the L1s do.
 *
 * About 430 lines in one class on purpose: the outgoing batch and its gathering, the retry
 * queue, the watchers and the link state change together when the link goes down or comes back
 * (or the bus closes), and splitting them would spread that one transition over several files.
 * The wire format is `message.ts`, the Redis side `redis-transport.ts`.
 */
import { nodeCrypto } from '../lazy-builtins';
import type { L1Cache } from '../l1/l1-cache';
import { detached } from '../observability/detached';
import { writeLog, type Logger } from '../observability/logger';
import { MAX_ITEMS, decodeMessage, encodeMessage, type MessageKind } from './message';
import type { BusTransport } from './redis-transport';

/** Longest a fill's announcement waits for others to share its publish, ms. */
export const FILL_GATHER_MS = 5;
/** Most announcements waiting for a failed publish to be retried. */
const MAX_QUEUED = 10_000;
/** First retry of failed publishes, ms; doubles up to `MAX_RETRY_MS`. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/** One cache's L1 as the bus sees it. */
export interface BusMember {
  readonly l1: L1Cache;
  /** The owner id of the cache's entries in `l1`. */
  readonly owner: number;
}

/** A tag stamp table listening on the bus (see `tags/tag-stamps.ts`). */
export interface TagStampListener {
  /** Another process stamped `stampKey` at `at` (epoch ms). */
  stamped(stampKey: string, at: number): void;
  /** The link is down: what is known may miss stamps from now on; trust it until `untilEpochMs` at most. */
  linkLost(untilEpochMs: number): void;
  /** The link is back after a gap: stamps may have been missed during it. */
  linkRestored(): void;
}

/** Counters of a bus (reported in health and metrics). */
export interface BusStats {
  readonly connected: boolean;
  readonly published: number;
  readonly publishFailures: number;
  readonly queued: number;
  readonly received: number;
  readonly malformed: number;
  /** Keys and prefixes dropped from L1 because another process announced them. */
  readonly applied: number;
  /** Times the subscriber link was lost. */
  readonly linkLosses: number;
}

/** Settings of a bus. */
export interface BusSettings {
  /** Lifetime cap of L1 entries while the subscriber is disconnected, ms. */
  readonly degradedTtlMs: number;
  /** Where link changes are logged. */
  readonly logger: () => Logger;
  /** A name for logs (the channel). */
  readonly label: string;
}

type Pending = { kind: 'key'; shard: number } | { kind: 'prefix' } | { kind: 'all' } | { kind: 'tag'; shard: number; at: number };

const MESSAGE_KINDS: Readonly<Record<Pending['kind'], MessageKind>> = { key: 'keys', prefix: 'prefixes', all: 'all', tag: 'tags' };

/** One process's end of an invalidation channel. */
export class InvalidationBus {
  /** Identifies this process's announcements (it ignores them when they come back). */
  readonly instanceId = nodeCrypto().randomBytes(16);
  private connected = false;
  /** Set once the link was up; the first link-up drops nothing (nothing could be missed before). */
  private everConnected = false;
  private readonly members = new Set<BusMember>();
  private readonly tagListeners = new Set<TagStampListener>();
  /** Who waits for a key to change (lock waiters), by stored key. */
  private readonly watchers = new Map<string, Set<() => void>>();
  /** Announcements of this turn, not yet published. */
  private readonly batch = new Map<string, Pending>();
  private flushScheduled = false;
  /** The gathering of fill announcements, while one is open. */
  private gatherTimer: ReturnType<typeof setTimeout> | undefined;
  /** Announcements whose publish failed, oldest first (re-inserting moves one to the end). */
  private readonly failed = new Map<string, Pending>();
  private overflowed = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryMs = FIRST_RETRY_MS;
  private closed = false;
  private counters = { published: 0, publishFailures: 0, received: 0, malformed: 0, applied: 0, linkLosses: 0 };

  constructor(
    private readonly transport: BusTransport,
    private readonly settings: BusSettings,
  ) {
    transport.start({
      message: (_shard, frame) => this.receive(frame),
      linkUp: () => this.linkUp(),
      linkDown: (reason) => this.linkDown(reason),
    });
  }

  /** True while announcements from other processes may be missed. */
  get degraded(): boolean {
    return !this.connected;
  }

  /** The channel it announces on (its name in logs, metrics and health). */
  get channel(): string {
    return this.settings.label;
  }

  /** Lifetime cap of L1 entries while degraded, ms. */
  get degradedTtlMs(): number {
    return this.settings.degradedTtlMs;
  }

  /** Adds a cache's L1 to those this bus keeps coherent. */
  join(member: BusMember): void {
    this.members.add(member);
    if (!this.connected) member.l1.capLifetimes(new Set([member.owner]), Date.now() + this.settings.degradedTtlMs);
  }

  /** Adds a tag stamp table to those told of other processes' tag stamps and of the link. */
  watchTags(listener: TagStampListener): void {
    this.tagListeners.add(listener);
    if (!this.connected) listener.linkLost(Date.now() + this.settings.degradedTtlMs);
  }

  /** Announces tag stamps (stamp key → epoch ms), after they reached L2. */
  tagsStamped(stamps: ReadonlyMap<string, number>): void {
    for (const [stampKey, at] of stamps) {
      const queued = this.batch.get(`s${stampKey}`);
      const newest = queued?.kind === 'tag' ? Math.max(queued.at, at) : at;
      this.enqueue(this.batch, `s${stampKey}`, { kind: 'tag', shard: this.transport.shardOf(stampKey), at: newest });
    }
    this.scheduleFlush();
  }

  /**
   * Announces that the entries under these stored keys changed (after the change reached L2).
   * `fill`: the values were written after a miss or a refresh and nobody waits for them, so
   * the announcement may be gathered with others for up to `FILL_GATHER_MS`.
   */
  keysChanged(keys: readonly string[], fill = false): void {
    for (const key of keys) this.enqueue(this.batch, `k${key}`, { kind: 'key', shard: this.transport.shardOf(key) });
    if (fill) this.scheduleGathered();
    else this.scheduleFlush();
  }

  /** Announces that every entry under these prefixes was cleared. */
  prefixesCleared(prefixes: readonly string[]): void {
    for (const prefix of prefixes) this.enqueue(this.batch, `p${prefix}`, { kind: 'prefix' });
    this.scheduleFlush();
  }

  /**
   * Calls `listener` when another process announces that `key` changed (or clears a prefix, or
   * everything); returns the function that stops it. A lock waiter uses it to look for the
   * holder's value as soon as it lands.
   */
  watch(key: string, listener: () => void): () => void {
    let listeners = this.watchers.get(key);
    if (listeners === undefined) {
      listeners = new Set();
      this.watchers.set(key, listeners);
    }
    listeners.add(listener);
    const stop = (): void => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.watchers.get(key) === listeners) this.watchers.delete(key);
    };
    return stop;
  }

  /** Counters. */
  stats(): BusStats {
    return { connected: this.connected, queued: this.failed.size, ...this.counters };
  }

  /**
   * Stops listening and publishing: announcements waiting for their turn or a gathering are
   * sent first (not awaited: Redis may be gone), those queued for a retry are dropped.
   */
  async close(): Promise<void> {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    if (this.gatherTimer !== undefined) clearTimeout(this.gatherTimer);
    // The batch belongs to no one call, not to the one that closes.
    void detached(() => this.flushBatch());
    this.closed = true;
    await this.transport.close();
  }

  // ---- publishing ----

  private enqueue(queue: Map<string, Pending>, id: string, pending: Pending): void {
    // Newest wins: re-inserting moves the announcement to the end.
    queue.delete(id);
    queue.set(id, pending);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.closed) return;
    this.flushScheduled = true;
    // A batch gathers announcements of many calls: it runs in no one call's context (trace, correlation id).
    detached(() =>
      setImmediate(() => {
        this.flushScheduled = false;
        void this.flushBatch();
      }),
    );
  }

  /** Publishes the batch within `FILL_GATHER_MS` (or with the next prompt announcement, if sooner). */
  private scheduleGathered(): void {
    if (this.gatherTimer !== undefined || this.flushScheduled || this.closed) return;
    detached(() => {
      this.gatherTimer = setTimeout(() => {
        this.gatherTimer = undefined;
        void this.flushBatch();
      }, FILL_GATHER_MS);
    });
  }

  private flushBatch(): Promise<void> {
    if (this.batch.size === 0) return Promise.resolve();
    const batch = new Map(this.batch);
    this.batch.clear();
    return this.publishAll(batch);
  }

  /** Publishes `announcements` grouped into messages; failures go to the retry queue. */
  private async publishAll(announcements: ReadonlyMap<string, Pending>): Promise<void> {
    const groups = new Map<string, { kind: MessageKind; shard: number; ids: string[] }>();
    for (const [id, pending] of announcements) {
      const kind = MESSAGE_KINDS[pending.kind];
      const shard = pending.kind === 'key' || pending.kind === 'tag' ? pending.shard : 0;
      const group = `${kind}:${shard}`;
      let entry = groups.get(group);
      if (entry === undefined) {
        entry = { kind, shard, ids: [] };
        groups.set(group, entry);
      }
      entry.ids.push(id);
    }
    await Promise.all(
      [...groups.values()].flatMap(({ kind, shard, ids }) => {
        const messages: Array<Promise<void>> = [];
        for (let i = 0; i < Math.max(1, ids.length); i += MAX_ITEMS) {
          const slice = ids.slice(i, i + MAX_ITEMS);
          const items = kind === 'all' ? [] : slice.map((id) => itemOf(id, announcements.get(id) as Pending));
          messages.push(
            this.transport.publish(shard, encodeMessage(this.instanceId, kind, items)).then(
              () => {
                this.counters.published++;
              },
              () => {
                this.counters.publishFailures++;
                for (const id of slice) this.queueFailed(id, announcements.get(id) as Pending);
              },
            ),
          );
        }
        return messages;
      }),
    );
  }

  private queueFailed(id: string, pending: Pending): void {
    if (this.closed) return;
    this.enqueue(this.failed, id, pending);
    if (this.failed.size > MAX_QUEUED) {
      // Too much to replay one by one: every peer drops everything instead (coarse, but correct).
      this.failed.clear();
      this.overflowed = true;
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== undefined || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.retry();
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(MAX_RETRY_MS, this.retryMs * 2);
  }

  private retry(): void {
    const replay = new Map(this.failed);
    this.failed.clear();
    if (this.overflowed) {
      this.overflowed = false;
      replay.clear();
      replay.set('a', { kind: 'all' });
    }
    if (replay.size === 0) return;
    void this.publishAll(replay).then(() => {
      if (this.failed.size === 0 && !this.overflowed) this.retryMs = FIRST_RETRY_MS;
    });
  }

  // ---- receiving ----

  private receive(frame: Buffer): void {
    const message = decodeMessage(frame);
    if (message === undefined) {
      this.counters.malformed++;
      return;
    }
    if (message.sender.equals(this.instanceId)) return;
    this.counters.received++;
    if (message.kind === 'tags') {
      this.applyTagStamps(message.items);
      return;
    }
    for (const member of this.members) {
      if (message.kind === 'keys') for (const key of message.items) member.l1.delete(key);
      else if (message.kind === 'prefixes') for (const prefix of message.items) member.l1.deleteOwner(member.owner, [prefix]);
      else member.l1.deleteOwners(new Set([member.owner]));
    }
    this.counters.applied += Math.max(1, message.items.length);
    if (this.watchers.size > 0) this.wakeWatchers(message.kind, message.items);
  }

  /** Lock waiters of the changed keys look now (all of them, for a prefix or a full clear). */
  private wakeWatchers(kind: MessageKind, items: readonly string[]): void {
    const keys = kind === 'keys' ? items : [...this.watchers.keys()];
    for (const key of keys) {
      const listeners = this.watchers.get(key);
      if (listeners !== undefined) for (const listener of [...listeners]) listener();
    }
  }

  private applyTagStamps(items: readonly string[]): void {
    for (const item of items) {
      const colon = item.indexOf(':');
      const at = Number(item.slice(0, colon));
      // A stamp that is not a time is not something this library sent: the item is skipped.
      if (colon <= 0 || !Number.isFinite(at)) {
        this.counters.malformed++;
        continue;
      }
      const stampKey = item.slice(colon + 1);
      for (const listener of this.tagListeners) listener.stamped(stampKey, at);
      this.counters.applied++;
    }
  }

  // ---- the link ----

  private linkUp(): void {
    if (this.connected || this.closed) return;
    this.connected = true;
    if (this.everConnected) {
      // Back after a gap: any entry written before now may have missed its invalidation.
      for (const [l1, owners] of this.ownersByL1()) l1.deleteOwners(owners);
      for (const listener of this.tagListeners) listener.linkRestored();
      writeLog(this.settings.logger(), 'warn', { channel: this.settings.label }, 'cachekit: invalidation bus reconnected; L1 entries written before the gap were dropped');
    }
    this.everConnected = true;
    // Announcements that failed while Redis was away go out now.
    if (this.failed.size > 0 || this.overflowed) {
      if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.retryMs = FIRST_RETRY_MS;
      this.retry();
    }
  }

  private linkDown(reason: string): void {
    if (this.closed) return;
    if (!this.connected) return; // already degraded: entries written since are capped as they are written
    this.connected = false;
    const until = Date.now() + this.settings.degradedTtlMs;
    for (const [l1, owners] of this.ownersByL1()) l1.capLifetimes(owners, until);
    for (const listener of this.tagListeners) listener.linkLost(until);
    {
      this.counters.linkLosses++;
      writeLog(
        this.settings.logger(),
        'error',
        { channel: this.settings.label, reason, degradedTtlMs: this.settings.degradedTtlMs },
        'cachekit: invalidation bus disconnected; L1 entries live at most degradedTtlMs until it is back',
      );
    }
  }

  /** Members grouped by their L1 (several caches may share the process-wide L1). */
  private ownersByL1(): Map<L1Cache, Set<number>> {
    const groups = new Map<L1Cache, Set<number>>();
    for (const member of this.members) {
      let owners = groups.get(member.l1);
      if (owners === undefined) {
        owners = new Set();
        groups.set(member.l1, owners);
      }
      owners.add(member.owner);
    }
    return groups;
  }
}

/** The message item of a queued announcement (its id without the one-letter kind prefix; a tag stamp gets its time). */
function itemOf(id: string, pending: Pending): string {
  return pending.kind === 'tag' ? `${pending.at}:${id.slice(1)}` : id.slice(1);
}
