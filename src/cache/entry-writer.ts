/**
 * The write side of a cached call: serialize (within `maxValueBytes`: the pipeline refuses a
 * larger value, and its MessagePack serializers stop writing at the limit), seal (envelope,
 * encryption; large values on the thread pool), put into L1, and write to L2 in the
 * background (or awaited, where a caller must know the write landed).
 */
import { CodecErrorCode } from '../codec/error-codes';
import type { ResilientBackend } from '../reliability/resilient-backend';
import { keyField } from '../observability/logger';
import type { EntryIo } from './entry-io';
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
  async store(key: string, value: unknown, awaitWrite: boolean): Promise<Buffer | undefined> {
    return this.storeNow(key, value, awaitWrite);
  }

  /**
   * `store`, answering synchronously unless it has to wait (a large value sealed on the thread
   * pool, or `awaitWrite`): a miss then costs no extra promise hop.
   */
  storeNow(
    key: string,
    value: unknown,
    awaitWrite: boolean,
    /** Told of the L2 write once it is sent (a lock holder releases the lock when it has landed). */
    onWrite?: (write: Promise<boolean>) => void,
  ): Buffer | undefined | Promise<Buffer | undefined> {
    const pipeline = this.io.pipeline;
    const backend = this.backend();
    if (this.io.reference) {
      this.io.l1?.putLive(key, value);
      if (backend === null) return undefined;
    }
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
    if (backend === null && !pipeline.l1HoldsSealed) return this.storeSealed(key, backend, serialized, undefined, awaitWrite, onWrite);
    if (serialized.length >= pipeline.asyncThreshold) {
      return pipeline.sealAsync(serialized, this.io.context(key, false)).then(
        (sealed) => this.storeSealed(key, backend, serialized, sealed, awaitWrite, onWrite),
        (error: unknown) => this.sealingFailed(key, error),
      );
    }
    let sealed: Buffer;
    try {
      sealed = pipeline.seal(serialized, this.io.context(key, false));
    } catch (error) {
      return this.sealingFailed(key, error);
    }
    return this.storeSealed(key, backend, serialized, sealed, awaitWrite, onWrite);
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
    onWrite: ((write: Promise<boolean>) => void) | undefined,
  ): Buffer | undefined | Promise<Buffer | undefined> {
    // The L2 write goes out first: L1 is filled while the backend works on it.
    let write: Promise<boolean> | undefined;
    if (backend !== null && sealed !== undefined) {
      write = backend.set(key, sealed, Math.ceil(this.io.config.ttlSeconds));
      if (typeof backend.backend.clearPrefix !== 'function') this.writtenKeys.remember(key);
      const bus = this.io.bus();
      // Announced once the write landed: a peer that drops its copy then reads the new value.
      if (bus !== undefined) write = write.then((ok) => (ok && bus.keysChanged([key]), ok));
      onWrite?.(write);
    }
    const fill = this.io.l1;
    if (fill !== undefined && !this.io.reference) {
      if (this.io.pipeline.l1HoldsSealed) {
        fill.putSealed(key, sealed as Buffer);
      } else {
        fill.putPending(key, serialized);
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
