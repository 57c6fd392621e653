/**
 * The write side of a cached call: serialize (within `maxValueBytes`: the pipeline refuses a
 * larger value, and its MessagePack serializers stop writing at the limit), seal (envelope,
 * encryption; large values on the thread pool), put into L1, and write to L2 in the
 * background (or awaited, where a caller must know the write landed). A framed cache's entry
 * gets its frame (creation time, freshness, tags) between serializing and sealing.
 */
import type { BackendEntry } from '../backends/types';
import { CodecErrorCode } from '../codec/error-codes';
import type { ComputeContext } from '../reliability/distributed-lock';
import type { ResilientBackend } from '../reliability/resilient-backend';
import { keyField } from '../observability/logger';
import type { EntryIo } from './entry-io';
import { frameEntry } from './entry-frame';
import type { EntryMeta } from './entry-meta';
import { errorSummary } from '../observability/error-summary';
import type { WrittenKeys } from './written-keys';
import { L1Template } from '../l1/value-template';
import { exactStandardCopy, type ExactCopy } from '../l1/exact-copy';

/**
 * What calls that joined a store copy their value from: the serializer's bytes, or (a
 * memory-only miss of plain data) the template L1 keeps; undefined when nothing was cached.
 */
export type Kept = Buffer | L1Template | undefined;

/** What a lock holder's write needs of the lock it holds. */
export type HeldLockWrite = Pick<ComputeContext, 'token' | 'releaseAfter' | 'releasedBy' | 'announceAtOnce'>;

/** A value encoded for both tiers: the serializer's bytes, and the sealed bytes where an L2 or an encrypted L1 needs them. */
interface Encoded {
  readonly serialized: Buffer;
  readonly sealed: Buffer | undefined;
}

/**
 * Memory-only misses that skip the exact copy after the copy of one of the function's values
 * gave up (too many containers, or not plain data): a function's values mostly share a shape,
 * and giving up costs a partial copy. The 16th miss tries again.
 */
const MISSES_WITHOUT_COPY_AFTER_GIVING_UP = 15;

/** Writes one function's entries down both tiers. */
export class EntryWriter {
  /** Memory-only misses left that serialize without trying the exact copy. */
  private copiesSkipped = 0;

  constructor(
    private readonly io: EntryIo,
    private readonly backend: () => ResilientBackend | null,
    /** Keys to remember for `cacheClear()` on backends that cannot clear by prefix. */
    private readonly writtenKeys: WrittenKeys,
  ) {}

  /**
   * Encodes and writes a value to L1 and L2. Returns what joiners copy from (undefined when
   * the value could not be encoded or was too large: then nothing is cached).
   */
  async store(key: string, value: unknown, awaitWrite: boolean, meta?: EntryMeta): Promise<Kept> {
    return this.storeNow(key, value, awaitWrite, meta);
  }

  /**
   * `store`, answering synchronously unless it has to wait (a large value sealed on the thread
   * pool, or `awaitWrite`): a miss then costs no extra promise hop.
   */
  storeNow(
    key: string,
    value: unknown,
    awaitWrite: boolean,
    /** The frame of a tagged or fail-safe cache's entry. */
    meta?: EntryMeta,
    /** The lock this call holds, if any. */
    held?: HeldLockWrite,
  ): Kept | Promise<Kept> {
    const backend = this.backend();
    if (this.io.reference) {
      this.io.l1?.putLive(key, value, undefined, meta);
      if (backend === null) return undefined;
    } else if (backend === null && this.io.pipeline.copiesPlainData === true) {
      const template = this.keptAsCopy(key, value, meta);
      if (template !== undefined) return template;
    }
    const encoded = this.encode(key, value, meta, backend);
    if (encoded instanceof Promise) return encoded.then((ready) => (ready === undefined ? undefined : this.storeEncoded(key, backend, ready, awaitWrite, meta, held)));
    return encoded === undefined ? undefined : this.storeEncoded(key, backend, encoded, awaitWrite, meta, held);
  }

  /**
   * A memory-only miss: L1 keeps a copy of plain data as its template, with no bytes at all
   * (see `l1/exact-copy.ts`). Undefined when the value is not plain data: it is serialized then.
   */
  private keptAsCopy(key: string, value: unknown, meta: EntryMeta | undefined): L1Template | undefined {
    if (this.copiesSkipped > 0) {
      this.copiesSkipped--;
      return undefined;
    }
    const tier = this.io.l1;
    let copy: ExactCopy | undefined;
    try {
      copy = exactStandardCopy(value, tier?.frozen ?? false, this.io.config.maxValueBytes);
    } catch {
      // A getter threw: serializing meets it again and reports it as it always has.
      copy = undefined;
    }
    if (copy === undefined) {
      this.copiesSkipped = MISSES_WITHOUT_COPY_AFTER_GIVING_UP;
      return undefined;
    }
    return tier === undefined ? new L1Template(copy.value) : tier.putExactCopy(key, copy, meta);
  }

  /**
   * Stores several values at once (`many()`): each is encoded and put into L1 as `store` does,
   * and the L2 writes go out together, as one `setMany` (one pipeline of SETs on Redis) where
   * the backend has it, in the background. Resolves to each value's serializer bytes.
   */
  async storeMany(items: ReadonlyArray<{ readonly key: string; readonly value: unknown; readonly meta: EntryMeta | undefined }>): Promise<Array<Buffer | undefined>> {
    const backend = this.backend();
    const encoded = await Promise.all(
      items.map(({ key, value, meta }) => {
        if (this.io.reference) this.io.l1?.putLive(key, value, undefined, meta);
        return this.io.reference && backend === null ? undefined : this.encode(key, value, meta, backend);
      }),
    );
    const writes: BackendEntry[] = [];
    items.forEach(({ key, meta }, i) => {
      const ready = encoded[i];
      if (ready === undefined) return;
      if (backend !== null && ready.sealed !== undefined) writes.push({ key, value: ready.sealed, ttlSeconds: this.io.l2TtlSeconds });
      this.fill(key, ready, meta);
    });
    if (backend !== null && writes.length > 0) {
      const write =
        writes.length > 1 && typeof backend.backend.setMany === 'function'
          ? backend.setMany(writes)
          : Promise.all(writes.map((entry) => backend.set(entry.key, entry.value, entry.ttlSeconds))).then((oks) => oks.every(Boolean));
      this.io.background.trackWrite(this.announced(backend, writes.map((entry) => entry.key), write, false));
    }
    return encoded.map((ready) => ready?.serialized);
  }

  /**
   * Serializes, checks the size limit, frames and seals a value (sealed only where an L2 or an
   * encrypted L1 needs it). Undefined, counted and logged, when it cannot be cached.
   */
  private encode(key: string, value: unknown, meta: EntryMeta | undefined, backend: ResilientBackend | null): Encoded | undefined | Promise<Encoded | undefined> {
    const pipeline = this.io.pipeline;
    let serialized: Buffer;
    try {
      serialized = pipeline.serialize(value);
    } catch (error) {
      if ((error as { code?: unknown })?.code === CodecErrorCode.VALUE_TOO_LARGE) {
        this.io.stats.counters.oversizeValues++;
        this.io.log(
          'warn',
          { ...keyField('key', key), limit: this.io.config.maxValueBytes, err: errorSummary(error) },
          'cachekit: result larger than maxValueBytes; returned uncached',
        );
      } else {
        this.io.stats.counters.encodeErrors++;
        this.io.log('warn', { ...keyField('key', key), err: errorSummary(error) }, 'cachekit: result could not be serialized; returned uncached');
      }
      return undefined;
    }
    if (serialized.length > this.io.config.maxValueBytes) {
      this.io.stats.counters.oversizeValues++;
      this.io.log(
        'warn',
        { ...keyField('key', key), bytes: serialized.length, limit: this.io.config.maxValueBytes },
        'cachekit: result larger than maxValueBytes; returned uncached',
      );
      return undefined;
    }
    if (backend === null && !pipeline.l1HoldsSealed) return { serialized, sealed: undefined };
    const payload = meta === undefined ? serialized : frameEntry(meta, serialized);
    if (payload.length >= pipeline.asyncThreshold) {
      return pipeline.sealAsync(payload, this.io.context(key, false)).then(
        (sealed) => ({ serialized, sealed }),
        (error: unknown) => this.sealingFailed(key, error),
      );
    }
    try {
      return { serialized, sealed: pipeline.seal(payload, this.io.context(key, false)) };
    } catch (error) {
      return this.sealingFailed(key, error);
    }
  }

  private sealingFailed(key: string, error: unknown): undefined {
    this.io.stats.counters.encodeErrors++;
    this.io.log('error', { ...keyField('key', key), err: errorSummary(error) }, 'cachekit: sealing failed; returned uncached');
    return undefined;
  }

  /** The rest of `storeNow` once the value is encoded. */
  private storeEncoded(
    key: string,
    backend: ResilientBackend | null,
    encoded: Encoded,
    awaitWrite: boolean,
    meta: EntryMeta | undefined,
    held: HeldLockWrite | undefined,
  ): Buffer | undefined | Promise<Buffer | undefined> {
    // The L2 write goes out first: L1 is filled while the backend works on it.
    let write: Promise<boolean> | undefined;
    if (backend !== null && encoded.sealed !== undefined) {
      // A lock holder's write releases the lock with the value where the backend can (one
      // command), and may be announced at once: waiters in other processes look when it lands.
      const withRelease = held !== undefined && backend.supportsSetAndRelease;
      const sent = withRelease
        ? backend.setAndReleaseLock(key, encoded.sealed, this.io.l2TtlSeconds, held.token)
        : backend.set(key, encoded.sealed, this.io.l2TtlSeconds);
      write = this.announced(backend, [key], sent, held?.announceAtOnce() === true);
      if (withRelease) held.releasedBy(write);
      else held?.releaseAfter(write);
    }
    this.fill(key, encoded, meta);
    const serialized = encoded.serialized;
    if (write === undefined) return serialized;
    if (awaitWrite) {
      return write.then((ok) => {
        this.countWrite(ok);
        return serialized;
      });
    }
    this.io.background.trackWrite(write);
    return serialized;
  }

  /**
   * Remembers written keys (for `cacheClear()` where it needs them) and announces them on the
   * bus once `write` landed: at once when `prompt` (someone waits for them), else as fills.
   */
  private announced(backend: ResilientBackend, keys: readonly string[], write: Promise<boolean>, prompt: boolean): Promise<boolean> {
    if (typeof backend.backend.clearPrefix !== 'function') for (const key of keys) this.writtenKeys.remember(key);
    const bus = this.io.bus();
    // Announced once the write landed: a peer that drops its copy then reads the new value.
    return bus === undefined ? write : write.then((ok) => (ok && bus.keysChanged(keys, !prompt), ok));
  }

  /** Puts an encoded value into L1 in the form its mode keeps (reference mode put it already). */
  private fill(key: string, encoded: Encoded, meta: EntryMeta | undefined): void {
    const fill = this.io.l1;
    if (fill === undefined || this.io.reference) return;
    if (this.io.pipeline.l1HoldsSealed) fill.putSealed(key, encoded.sealed as Buffer, undefined, meta);
    else fill.putPending(key, encoded.serialized, meta);
  }

  private countWrite(ok: boolean): void {
    if (!ok) this.io.stats.counters.l2WriteFailures++;
  }
}
