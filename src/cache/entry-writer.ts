/**
 * The write side of a cached call: serialize, check the size limit, seal (envelope,
 * encryption; large values on the thread pool), put into L1, and write to L2 in the
 * background (or awaited, where a caller must know the write landed). A framed cache's entry
 * gets its frame (creation time, freshness, tags) between serializing and sealing.
 */
import type { ResilientBackend } from '../reliability/resilient-backend';
import { keyField } from '../observability/logger';
import type { EntryIo } from './entry-io';
import { frameEntry } from './entry-frame';
import type { EntryMeta } from './entry-meta';
import { errorSummary } from '../observability/error-summary';
import type { WrittenKeys } from './written-keys';

/** Writes one function's entries down both tiers. */
export class EntryWriter {
  constructor(
    private readonly io: EntryIo,
    private readonly backend: () => ResilientBackend | null,
    /** Keys to remember for `cacheClear()` on backends that cannot clear by prefix. */
    private readonly writtenKeys: WrittenKeys,
  ) {}

  /**
   * Encodes and writes a value to L1 and L2. Returns the serializer bytes (undefined when
   * the value could not be encoded or was too large: then nothing is cached).
   */
  async store(key: string, value: unknown, awaitWrite: boolean, meta?: EntryMeta): Promise<Buffer | undefined> {
    return this.storeNow(key, value, awaitWrite, meta);
  }

  /**
   * `store`, answering synchronously unless it has to wait (a large value sealed on the thread
   * pool, or `awaitWrite`): a miss then costs no extra promise hop.
   */
  storeNow(key: string, value: unknown, awaitWrite: boolean, meta?: EntryMeta): Buffer | undefined | Promise<Buffer | undefined> {
    const pipeline = this.io.pipeline;
    const backend = this.backend();
    if (this.io.reference) {
      this.io.l1?.putLive(key, value, undefined, meta);
      if (backend === null) return undefined;
    }
    let serialized: Buffer;
    try {
      serialized = pipeline.serialize(value);
    } catch (error) {
      this.io.stats.counters.encodeErrors++;
      this.io.log('warn', { ...keyField('key', key), err: errorSummary(error) }, 'cachekit: result could not be serialized; returned uncached');
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
    if (backend === null && !pipeline.l1HoldsSealed) return this.storeSealed(key, backend, serialized, undefined, awaitWrite, meta);
    const payload = meta === undefined ? serialized : frameEntry(meta, serialized);
    if (payload.length >= pipeline.asyncThreshold) {
      return pipeline.sealAsync(payload, this.io.context(key, false)).then(
        (sealed) => this.storeSealed(key, backend, serialized, sealed, awaitWrite, meta),
        (error: unknown) => this.sealingFailed(key, error),
      );
    }
    let sealed: Buffer;
    try {
      sealed = pipeline.seal(payload, this.io.context(key, false));
    } catch (error) {
      return this.sealingFailed(key, error);
    }
    return this.storeSealed(key, backend, serialized, sealed, awaitWrite, meta);
  }

  private sealingFailed(key: string, error: unknown): undefined {
    this.io.stats.counters.encodeErrors++;
    this.io.log('error', { ...keyField('key', key), err: errorSummary(error) }, 'cachekit: sealing failed; returned uncached');
    return undefined;
  }

  /** The rest of `storeNow` once the value is sealed (`sealed` undefined: nothing to seal for). */
  private storeSealed(
    key: string,
    backend: ResilientBackend | null,
    serialized: Buffer,
    sealed: Buffer | undefined,
    awaitWrite: boolean,
    meta: EntryMeta | undefined,
  ): Buffer | undefined | Promise<Buffer | undefined> {
    // The L2 write goes out first: L1 is filled while the backend works on it.
    let write: Promise<boolean> | undefined;
    if (backend !== null && sealed !== undefined) {
      write = backend.set(key, sealed, this.io.l2TtlSeconds);
      if (typeof backend.backend.clearPrefix !== 'function') this.writtenKeys.remember(key);
      const bus = this.io.bus();
      // Announced once the write landed: a peer that drops its copy then reads the new value.
      if (bus !== undefined) write = write.then((ok) => (ok && bus.keysChanged([key]), ok));
    }
    const fill = this.io.l1;
    if (fill !== undefined && !this.io.reference) {
      if (this.io.pipeline.l1HoldsSealed) {
        fill.putSealed(key, sealed as Buffer, undefined, meta);
      } else {
        fill.putPending(key, serialized, meta);
      }
    }
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

  private countWrite(ok: boolean): void {
    if (!ok) this.io.stats.counters.l2WriteFailures++;
  }
}
