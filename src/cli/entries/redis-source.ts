/**
 * Entries of a Redis deployment (standalone, or every master of a Cluster). Keys come from
 * `SCAN MATCH` in steps of about a thousand (never `KEYS`, which blocks the server); values are
 * fetched per step, pipelined in groups of bounded total size, so neither side ever holds more than one
 * step. Removal is `UNLINK` (values are freed off the server's main thread), and for entries
 * judged bad a compare-and-delete, so an entry rewritten since it was read is left alone.
 */
import type { Cluster, Redis } from 'ioredis';
import { CliError, ExitCode } from '../exit-codes';
import { connectRedis, type RedisConnection } from '../redis-connection';
import type { EntrySource, StoredEntry, StoredKeyRef } from './entry-source';
import type { Selection } from './selection';

/** Keys asked for per SCAN step. */
const SCAN_COUNT = 1000;
/** Most value bytes fetched in one round trip (a larger single value is fetched alone). */
const FETCH_BUDGET_BYTES = 8 * 1024 * 1024;

/** Deletes KEYS[1] only while it still holds ARGV[1]. */
const DELETE_IF_UNCHANGED = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('UNLINK', KEYS[1]) end return 0";

/** What a Redis entry needs for removal: its key's bytes and the value that was judged. */
interface RedisRemoval {
  readonly node: Redis;
  readonly key: Buffer;
  readonly value: Buffer | null;
}

/** Where to connect. */
export interface RedisTarget {
  readonly url: string;
  /** The URL is a seed node of a Redis Cluster. */
  readonly cluster: boolean;
}

/** The Redis entry source. */
export class RedisEntrySource implements EntrySource {
  readonly description: string;
  private readonly connection: RedisConnection;

  /** Validates the URL (USAGE CliError); connects on first use. */
  constructor(target: RedisTarget) {
    this.connection = connectRedis(target);
    this.description = this.connection.description;
  }

  async open(): Promise<void> {
    // The library's own health check: PING, INFO, and on a Cluster the cluster state.
    const health = await this.connection.backend.healthCheck();
    if (!health.ok) {
      const reason = typeof health.details.error === 'string' ? this.connection.explain(health.details.error) : `cluster state ${String(health.details.cluster_state)}`;
      throw new CliError(`Cannot use ${this.description}: ${reason}`, ExitCode.UNAVAILABLE);
    }
  }

  async estimateTotal(): Promise<number | undefined> {
    const sizes = await this.command('DBSIZE', () => Promise.all(this.masters().map((node) => node.dbsize())));
    return sizes.reduce((sum, size) => sum + size, 0);
  }

  async keys(selection: Selection, visit: (batch: StoredKeyRef[]) => Promise<void>): Promise<void> {
    await this.scan(selection, async (node, keys) => {
      await visit(keys.map((key) => ({ key: key.toString(), removal: { node, key, value: null } satisfies RedisRemoval })));
    });
  }

  async entries(selection: Selection, visit: (batch: StoredEntry[]) => Promise<void>): Promise<void> {
    await this.scan(selection, async (node, keys) => {
      const batch = await this.command('read', () => readEntries(node, keys));
      if (batch.length > 0) await visit(batch);
    });
  }

  async removeUnchanged(entries: readonly StoredEntry[]): Promise<number> {
    const removals = entries.map((entry) => entry.removal as RedisRemoval);
    const results = await this.command('delete', () =>
      Promise.all(
        removals.map(({ node, key, value }) =>
          value === null ? node.unlink(key) : (node.eval(DELETE_IF_UNCHANGED, 1, key, value) as Promise<number>),
        ),
      ),
    );
    return results.reduce((sum, removed) => sum + removed, 0);
  }

  async remove(refs: readonly StoredKeyRef[]): Promise<number> {
    const removals = refs.map((ref) => ref.removal as RedisRemoval);
    // One UNLINK per key: on a Cluster a multi-key command across hash slots is refused.
    const results = await this.command('delete', () => Promise.all(removals.map(({ node, key }) => node.unlink(key))));
    return results.reduce((sum, removed) => sum + removed, 0);
  }

  async close(): Promise<void> {
    await this.connection.backend.close();
  }

  /** The connections to scan: the server, or every master of the Cluster. */
  private masters(): Redis[] {
    const client = this.connection.backend.client;
    return client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
  }

  /** SCANs every master for each of the selection's patterns, handing over the keys it accepts. */
  private async scan(selection: Selection, visit: (node: Redis, keys: Buffer[]) => Promise<void>): Promise<void> {
    for (const [index, pattern] of selection.patterns.entries()) {
      for (const node of this.masters()) {
        let cursor = '0';
        do {
          const [next, found] = await this.command('SCAN', () => node.scanBuffer(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT));
          cursor = next.toString();
          const accepted = found.filter((key) => selection.accepts(key.toString(), index));
          if (accepted.length > 0) await visit(node, accepted);
        } while (cursor !== '0');
      }
    }
  }

  /** Runs Redis commands, turning a failure into an UNAVAILABLE CliError naming the server. */
  private async command<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`${what} on ${this.description} failed: ${this.connection.explain((error as Error).message)}`, ExitCode.UNAVAILABLE);
    }
  }
}

/** Sizes and TTLs of `keys` in one round trip, then their values in groups under the byte budget. */
async function readEntries(node: Redis, keys: Buffer[]): Promise<StoredEntry[]> {
  const meta = node.pipeline();
  for (const key of keys) meta.strlen(key).pttl(key);
  const replies = (await meta.exec()) ?? [];
  const entries: StoredEntry[] = [];
  const toFetch: Array<{ key: Buffer; size: number; ttlSeconds: number | null }> = [];
  keys.forEach((key, i) => {
    const [sizeError, size] = replies[2 * i] ?? [];
    const [, ttlMs] = replies[2 * i + 1] ?? [];
    if (ttlMs === -2) return; // gone since SCAN listed it
    const ttlSeconds = typeof ttlMs === 'number' && ttlMs >= 0 ? Math.max(1, Math.ceil(ttlMs / 1000)) : null;
    if (sizeError) {
      // Another application's hash, list or set: no value cachekit could have written.
      entries.push({ key: key.toString(), value: null, ttlSeconds, storedBytes: 0, unreadable: { reason: 'not a string value', corrupt: false }, removal: { node, key, value: null } });
      return;
    }
    toFetch.push({ key, size: Number(size), ttlSeconds });
  });
  for (const group of byBudget(toFetch)) {
    // A pipeline of GETs, not MGET: on a Cluster node, keys of different hash slots cannot share a command.
    const reads = node.pipeline();
    for (const item of group) reads.getBuffer(item.key);
    const values = (await reads.exec()) ?? [];
    group.forEach((item, i) => {
      const [error, reply] = values[i] ?? [];
      if (error) throw error;
      const value = (reply as Buffer | null | undefined) ?? null;
      if (value === null) return; // expired or removed meanwhile
      entries.push({ key: item.key.toString(), value, ttlSeconds: item.ttlSeconds, storedBytes: value.length, removal: { node, key: item.key, value } });
    });
  }
  return entries;
}

/** Splits items into groups whose sizes add up to at most the fetch budget (one item at least). */
function* byBudget<T extends { size: number }>(items: T[]): Generator<T[]> {
  let group: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (group.length > 0 && bytes + item.size > FETCH_BUDGET_BYTES) {
      yield group;
      group = [];
      bytes = 0;
    }
    group.push(item);
    bytes += item.size;
  }
  if (group.length > 0) yield group;
}
