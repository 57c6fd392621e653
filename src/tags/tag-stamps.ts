/**
 * A process's table of tag stamps: for each tag (by its stamp key, tenant included) the latest
 * time it was invalidated. Invalidating a tag writes one stamp (O(1), however many entries
 * carry the tag); an entry created at or before a stamp of one of its tags is invalidated. Hits
 * compare against this table in memory, never against Redis.
 *
 * Where the truth lives, and how fresh this copy of it is:
 * - In L2, under `t:{tenant}:tag:{tag}` (epoch ms as decimal text), kept `STAMP_TTL_SECONDS`,
 *   longer than any tagged entry may live: every process, and a restarted one, sees it.
 * - Here, what was read from L2 or heard on the invalidation bus. With a connected bus a known
 *   stamp is trusted until the bus says otherwise: other processes announce their stamps on
 *   it; when the bus loses its link, what is known is trusted `degradedTtl` at most, and after a
 *   gap everything known is dropped (announcements may have been missed), as the L1s are.
 * - Without a bus (file or memory L2), a stamp read from L2 is trusted `UNWATCHED_TRUST_MS`
 *   (one second): another process's invalidation is honoured at most that long after it.
 *
 * Stamps only grow: whatever arrives (a read, an announcement) raises a known stamp, never
 * lowers it, so a slow read cannot undo a newer announcement. Clocks: stamps and creation times
 * come from the clocks of different processes; an entry created within the clock skew before
 * an invalidation may survive it (NTP keeps that to milliseconds).
 */
import { readMany } from '../cache/read-many';
import type { InvalidationBus, TagStampListener } from '../invalidation/bus';
import type { ResilientBackend } from '../reliability/resilient-backend';

/** How long stamps are kept in L2: tagged caches whose entries may live longer are refused. */
export const STAMP_TTL_SECONDS = 30 * 86_400;
/** Without a connected bus, how long a stamp read from L2 is trusted before it is read again. */
export const UNWATCHED_TRUST_MS = 1_000;
/** Most stamps known at once; past it the table starts over (stamps are read again as needed). */
const MAX_KNOWN = 100_000;

/** What the table knows of one tag. */
interface KnownStamp {
  /** Epoch ms of its latest invalidation (0: never invalidated). */
  at: number;
  /** Epoch ms until which `at` is trusted to be the latest. */
  trustedUntil: number;
}

/** How a set of tags judges an entry created at a given time. */
export type TagJudgement = 'valid' | 'invalid' | 'unknown';

/**
 * An entry's tags as the table judges them, with the last valid verdict remembered on it: until
 * the table changes (`version`) or a stamp's trust runs out, a hit checks two numbers instead of
 * looking every tag up.
 */
export interface JudgedTags {
  readonly stampKeys: readonly string[];
  readonly createdAt: number;
  /** The table version of the last valid verdict (-1: none yet). */
  judgedVersion: number;
  /** Until when that verdict's stamps are trusted. */
  trustedUntil: number;
}

/** One process's tag stamps for one L2 (or for the process alone, without one). */
export class TagStamps implements TagStampListener {
  private readonly known = new Map<string, KnownStamp>();
  /** Advanced when everything known is dropped: a read begun before must not record what it found. */
  private generation = 0;
  /** Advanced by every change that could turn a valid verdict invalid or unknown (see `JudgedTags`). */
  private version = 0;
  private readonly buses = new Set<InvalidationBus>();
  /** Reads of stamps in flight, so concurrent hits share one. */
  private readonly reading = new Map<string, Promise<boolean>>();

  /**
   * @param authoritative true for the table of caches without an L2: it is the whole truth, so
   *   a tag it never saw stamped was never stamped.
   */
  constructor(private readonly authoritative: boolean) {}

  /** Whether an entry with these tags, created when it says, is still valid. */
  judge(entry: JudgedTags, now: number): TagJudgement {
    if (entry.judgedVersion === this.version && entry.trustedUntil > now) return 'valid';
    let unknown = false;
    let trustedUntil = Number.POSITIVE_INFINITY;
    for (const key of entry.stampKeys) {
      const known = this.known.get(key);
      if (known === undefined) {
        if (!this.authoritative) unknown = true;
      } else if (known.at >= entry.createdAt) {
        // Stamps only grow: even an untrusted one is a lower bound of the truth.
        return 'invalid';
      } else if (known.trustedUntil <= now) {
        unknown = true;
      } else if (known.trustedUntil < trustedUntil) {
        trustedUntil = known.trustedUntil;
      }
    }
    if (unknown) return 'unknown';
    entry.judgedVersion = this.version;
    entry.trustedUntil = trustedUntil;
    return 'valid';
  }

  /**
   * Reads from L2 the stamps of `stampKeys` not known (or no longer trusted) here. Resolves to
   * false when L2 could not answer for all of them (the caller then treats its entry as
   * invalidated: a stamp it cannot see may exist).
   */
  async refresh(stampKeys: readonly string[], via: ResilientBackend | null): Promise<boolean> {
    if (via === null) return true;
    const now = Date.now();
    const needed = stampKeys.filter((key) => {
      const known = this.known.get(key);
      return known === undefined || known.trustedUntil <= now;
    });
    if (needed.length === 0) return true;
    const pending: Array<Promise<boolean>> = [];
    const toRead: string[] = [];
    for (const key of needed) {
      const inFlight = this.reading.get(key);
      if (inFlight !== undefined) pending.push(inFlight);
      else toRead.push(key);
    }
    if (toRead.length > 0) {
      const read = this.read(toRead, via).finally(() => {
        for (const key of toRead) if (this.reading.get(key) === read) this.reading.delete(key);
      });
      for (const key of toRead) this.reading.set(key, read);
      pending.push(read);
    }
    return (await Promise.all(pending)).every(Boolean);
  }

  /**
   * Stamps `stampKeys` now: here at once, then in L2 (`via`), then on every bus the table
   * listens to. Resolves once the clock has moved past the stamp (an entry computed after the
   * call returns is newer than it) to whether L2 took every stamp (true without an L2).
   */
  async stamp(stampKeys: readonly string[], via: ResilientBackend | null): Promise<boolean> {
    const at = Date.now();
    const trust = this.trustFor(at);
    for (const key of stampKeys) this.record(key, at, trust);
    let stored = true;
    if (via !== null) {
      const bytes = Buffer.from(String(at));
      const written = await Promise.all(stampKeys.map((key) => via.set(key, bytes, STAMP_TTL_SECONDS)));
      stored = written.every(Boolean);
      // Announced even when L2 failed: every process that hears it stops serving the entries.
      const stamps = new Map(stampKeys.map((key) => [key, at]));
      for (const bus of this.buses) bus.tagsStamped(stamps);
    }
    await clockPast(at);
    return stored;
  }

  /** Listens to `bus` for other processes' stamps and for link changes. */
  watch(bus: InvalidationBus): void {
    if (this.buses.has(bus)) return;
    this.buses.add(bus);
    bus.watchTags(this);
  }

  /** Whether any bus carries this table's announcements (exported `invalidateTags` needs one). */
  get watched(): boolean {
    return this.buses.size > 0;
  }

  // ---- TagStampListener ----

  /** Another process stamped `stampKey`. */
  stamped(stampKey: string, at: number): void {
    this.record(stampKey, at, this.trustFor(Date.now()));
  }

  /** A bus lost its link: nothing known is trusted beyond `untilEpochMs`. */
  linkLost(untilEpochMs: number): void {
    for (const known of this.known.values()) if (known.trustedUntil > untilEpochMs) known.trustedUntil = untilEpochMs;
    this.version++;
  }

  /** A bus is back after a gap: stamps announced meanwhile may have been missed. */
  linkRestored(): void {
    this.known.clear();
    this.generation++;
    this.version++;
  }

  // ---- internals ----

  private async read(stampKeys: readonly string[], via: ResilientBackend): Promise<boolean> {
    const generation = this.generation;
    const results = await readMany(via, stampKeys);
    if (generation !== this.generation) return false;
    const now = Date.now();
    const trust = this.trustFor(now);
    let all = true;
    stampKeys.forEach((key, i) => {
      const result = results[i];
      if (result?.ok === true) this.record(key, stampOf(result.value, now), trust);
      else all = false;
    });
    return all;
  }

  /** Until when something learnt at `now` is trusted. */
  private trustFor(now: number): number {
    if (this.authoritative) return Number.POSITIVE_INFINITY;
    if (this.buses.size === 0) return now + UNWATCHED_TRUST_MS;
    let until = Number.POSITIVE_INFINITY;
    for (const bus of this.buses) if (bus.degraded) until = Math.min(until, now + bus.degradedTtlMs);
    return until;
  }

  private record(stampKey: string, at: number, trustedUntil: number): void {
    const known = this.known.get(stampKey);
    if (known !== undefined) {
      if (at > known.at) {
        known.at = at;
        this.version++;
      }
      // A longer trust turns no verdict: verdicts remembered with the shorter one are judged again when it ends.
      if (trustedUntil > known.trustedUntil) known.trustedUntil = trustedUntil;
      return;
    }
    if (this.known.size >= MAX_KNOWN) this.known.clear();
    this.known.set(stampKey, { at, trustedUntil });
    // Verdicts may involve a stamp not known now (an authoritative table's "never stamped", or one
    // known before the table started over): they are judged again.
    this.version++;
  }
}

/**
 * Resolves once `Date.now()` is past `at`: at least a millisecond of real time after it was read
 * (a 1 ms timer alone may fire sooner: libuv starts it from the loop's cached time). Real time is
 * the monotonic clock, so a replaced `Date` (in tests) cannot hold this forever.
 */
async function clockPast(at: number): Promise<void> {
  const until = performance.now() + 1;
  while (Date.now() <= at && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 1));
}

/**
 * The stamp stored in L2 bytes: none is 0 (never invalidated); bytes that are not a time are
 * read as "invalidated now" (whatever wrote them, no entry older than them is trusted).
 */
function stampOf(bytes: Buffer | null, now: number): number {
  if (bytes === null) return 0;
  const at = Number(bytes.toString('latin1'));
  return Number.isFinite(at) && at >= 0 ? at : now;
}
