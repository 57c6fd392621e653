/**
 * The read side of a cached call: an L2 answer opened (envelope, decryption; large values on
 * the thread pool) into a loaded value, or a miss. Bad bytes are counted, logged and deleted;
 * a good entry fills L1, refreshes its TTL when asked, and is rewritten under the current
 * master key when an old one sealed it. A framed entry (tags, fail-safe) is judged by its frame
 * first: invalidated by a tag, it is a miss; past its freshness, it is fail-safe's stale value.
 */
import { COMPRESSED_SIZE_FACTOR } from '../codec/codec';
import { keyField } from '../observability/logger';
import type { OperationResult } from '../reliability/operation-result';
import type { ResilientBackend } from '../reliability/resilient-backend';
import type { DecodeMemo } from './decode-memo';
import type { L1Template } from '../l1/value-template';
import { throwIfFailClosed, type EntryIo } from './entry-io';
import type { EntryWriter } from './entry-writer';
import { errorSummary } from '../observability/error-summary';
import type { StaleValue } from '../fail-safe/stale-value';
import { readFrame, type ReadFrame } from './entry-frame';
import { EntryMeta, judgeEntry } from './entry-meta';

/**
 * How a call was answered: from L2, by running the function after a miss, by running it
 * because L2 could not answer (`bypassed`: timeout, breaker open, overload), or with a stale
 * value because the function failed or was too slow (`stale`: fail-safe).
 */
export type Source = 'l2' | 'computed' | 'bypassed' | 'stale';

/** A loaded value with the serializer bytes it came from, so joiners can get fresh copies. */
export interface Loaded {
  source: Source;
  value: unknown;
  serialized: Buffer | undefined;
  /** For L2 hits: how long the read took. */
  latencyMs: number;
  /** For `stale`: where joiners get their copies. */
  stale: StaleValue | undefined;
  /**
   * The value decoded once for the calls that joined this load, as a copyable template (null
   * when the copier does not know its types); set by the first joiner (see `CacheEngine`), or
   * by a memory-only miss that kept a copy instead of bytes (`serialized` is then undefined).
   */
  joinTemplate?: L1Template | null;
}

/** An L2 entry past its freshness but within fail-safe's stale window: not a hit, a fallback. */
export class ExpiredRead implements StaleValue {
  constructor(
    readonly createdAt: number,
    private readonly copy: () => unknown,
    private readonly keeper: (ms: number) => void,
  ) {}

  value(): unknown {
    return this.copy();
  }

  keep(ms: number): void {
    this.keeper(ms);
  }
}

/** What reading one entry may come to (besides a promise of it, for large values and unknown tags). */
export type ReadOutcome = Loaded | ExpiredRead | 'miss' | 'failed';

/** Reads one function's entries from L2. */
export class EntryReader {
  /** Frames of memoised answers by their bytes object (see `opened`). */
  private readonly memoFrames = new WeakMap<Buffer, { frame: ReadFrame; meta: EntryMeta }>();

  constructor(
    private readonly io: EntryIo,
    /** Rewrites entries read under a previous master key. */
    private readonly writer: EntryWriter,
    /** Encrypted and `failClosed`: an untrustworthy entry throws instead of missing. */
    private readonly failsClosed: boolean,
    /** Decoded values of repeated reads (undefined when off: L1 on, encrypted, or disabled). */
    private readonly memo: DecodeMemo | undefined,
  ) {}

  /**
   * Reads and opens an L2 entry: the loaded value, `'miss'` (absent or bad bytes, which are
   * deleted), or `'failed'` (the backend did not answer). Rejects only for an encrypted cache
   * that fails closed.
   */
  read(backend: ResilientBackend, key: string, signal: AbortSignal | undefined): Promise<ReadOutcome> {
    const readMark = this.io.l1?.mark();
    return backend.get(key, signal).then((result) => this.opened(backend, key, result, readMark));
  }

  /**
   * An L2 answer opened: the loaded value, `'miss'`, `'failed'`, or — for a value large enough
   * to open on the thread pool — a promise of the value or `'miss'`. Throws only for an
   * encrypted cache that fails closed.
   */
  opened(
    backend: ResilientBackend,
    key: string,
    result: OperationResult<Buffer | null>,
    /** The L1 mark taken before the read (see `L1Tier.mark`); undefined without L1. */
    readMark: number | undefined,
  ): ReadOutcome | Promise<ReadOutcome> {
    if (!result.ok) {
      this.io.stats.counters.l2ReadFailures++;
      return 'failed';
    }
    const stored = result.value;
    if (stored === null) return 'miss';
    const pipeline = this.io.pipeline;
    if (stored.length >= pipeline.asyncThreshold / COMPRESSED_SIZE_FACTOR) return this.openLarge(backend, key, stored, result.latencyMs, readMark);
    const memo = this.memo;
    if (memo !== undefined) {
      const answer = memo.answer(key, stored);
      if (answer !== undefined) {
        this.io.stats.counters.decodeMemoHits++;
        if (!this.io.framed) return this.loadedFromL2(backend, key, stored, answer.serialized, answer.value, result.latencyMs, readMark, undefined);
        // A memoised answer hands back the same bytes object while the entry repeats: its frame
        // is read once, and its meta (with its remembered verdict) serves every repeat.
        let known = this.memoFrames.get(answer.serialized);
        if (known === undefined) {
          const frame = readFrame(answer.serialized);
          known = { frame, meta: EntryMeta.of(key, frame) };
          this.memoFrames.set(answer.serialized, known);
        }
        return this.judged(backend, key, stored, known.frame, answer.value, result.latencyMs, readMark, known.meta, true);
      }
    }
    let serialized: Buffer;
    let frame: ReadFrame | undefined;
    let value: unknown;
    try {
      serialized = pipeline.open(stored, this.io.context(key));
      frame = this.io.framed ? readFrame(serialized) : undefined;
      value = pipeline.deserialize(frame === undefined ? serialized : frame.body);
    } catch (error) {
      return this.unreadable(backend, key, error);
    }
    if (memo !== undefined) value = memo.remember(key, stored, serialized, value);
    return this.decoded(backend, key, stored, serialized, frame, value, result.latencyMs, readMark);
  }

  /** `opened` for a large value: the envelope is opened on the thread pool. */
  private async openLarge(backend: ResilientBackend, key: string, stored: Buffer, latencyMs: number, readMark: number | undefined): Promise<ReadOutcome> {
    const pipeline = this.io.pipeline;
    let serialized: Buffer;
    let frame: ReadFrame | undefined;
    let value: unknown;
    try {
      serialized = await pipeline.openAsync(stored, this.io.context(key));
      frame = this.io.framed ? readFrame(serialized) : undefined;
      value = pipeline.deserialize(frame === undefined ? serialized : frame.body);
    } catch (error) {
      return this.unreadable(backend, key, error);
    }
    return this.decoded(backend, key, stored, serialized, frame, value, latencyMs, readMark);
  }

  /** An opened entry: a good one (unframed, or framed and fresh) is loaded; a framed one is judged first. */
  private decoded(
    backend: ResilientBackend,
    key: string,
    stored: Buffer,
    serialized: Buffer,
    frame: ReadFrame | undefined,
    value: unknown,
    latencyMs: number,
    readMark: number | undefined,
  ): ReadOutcome | Promise<ReadOutcome> {
    if (frame === undefined) return this.loadedFromL2(backend, key, stored, serialized, value, latencyMs, readMark, undefined);
    return this.judged(backend, key, stored, frame, value, latencyMs, readMark, EntryMeta.of(key, frame), true);
  }

  /**
   * A framed entry judged by its frame: fresh, it is loaded; invalidated by a tag, a miss; past
   * its freshness, fail-safe's stale value (a miss without fail-safe, or past the stale window).
   * Tags whose stamps are not known here are read from L2 first (`mayRefresh`), once.
   */
  private judged(
    backend: ResilientBackend,
    key: string,
    stored: Buffer,
    frame: ReadFrame,
    value: unknown,
    latencyMs: number,
    readMark: number | undefined,
    meta: EntryMeta,
    mayRefresh: boolean,
  ): ReadOutcome | Promise<ReadOutcome> {
    const stamps = this.io.stamps();
    const now = Date.now();
    const verdict = judgeEntry(meta, stamps, now);
    if (verdict === 'fresh') return this.loadedFromL2(backend, key, stored, frame.body, value, latencyMs, readMark, meta);
    if (verdict === 'unknown') {
      // A stamp that cannot be read may exist: without it, the entry is not trusted (a miss).
      if (!mayRefresh) return 'miss';
      return stamps.refresh(meta.stampKeys, backend).then((known) => (known ? this.judged(backend, key, stored, frame, value, latencyMs, readMark, meta, false) : 'miss'));
    }
    if (verdict === 'invalidated') {
      this.io.stats.counters.tagInvalidated++;
      return 'miss';
    }
    const failSafe = this.io.config.failSafe;
    if (failSafe === undefined || meta.freshUntil + failSafe.maxStaleMs <= now) return 'miss';
    return this.expired(key, stored, frame.body, value, meta, readMark);
  }

  /** Fail-safe's stale value from an L2 entry: copies for callers, and how L1 keeps it while the function is retried later. */
  private expired(key: string, stored: Buffer, body: Buffer, value: unknown, meta: EntryMeta, readMark: number | undefined): ExpiredRead {
    const { pipeline, reference } = this.io;
    const copy = reference ? () => value : () => pipeline.deserialize(body);
    return new ExpiredRead(meta.createdAt, copy, (ms) => {
      const fill = this.io.l1;
      if (fill === undefined) return;
      if (reference) fill.keepStale(key, value, 0, meta, ms, readMark);
      else if (pipeline.l1HoldsSealed) fill.keepStale(key, stored, stored.length, meta, ms, readMark);
      else {
        const form = fill.formOf(pipeline.deserialize(body), body);
        fill.keepStale(key, form.value, form.bytes, meta, ms, readMark);
      }
    });
  }

  /** Stored bytes that failed to open: counted, logged, deleted, a miss (or EncryptionError when failing closed). */
  private unreadable(backend: ResilientBackend, key: string, error: unknown): 'miss' {
    this.io.stats.recordIntegrityFailure(error);
    this.memo?.forget(key);
    backend.recordIntegrityEvent(error);
    this.io.log(
      'warn',
      { ...keyField('key', key), code: (error as { code?: string }).code, err: errorSummary(error) },
      'cachekit: stored entry failed its integrity check; treated as a miss and deleted',
    );
    this.io.background.track(backend.delete(key));
    throwIfFailClosed(this.failsClosed, error);
    return 'miss';
  }

  /**
   * A good L2 entry: key-rotation rewrite, L1 fill, TTL refresh; the loaded value.
   * `latencyMs` is how long the backend took to answer (the guard measured it). The value is
   * decoded by now: whatever fails in these follow-up steps is logged and costs only the step,
   * never the caller's answer.
   */
  private loadedFromL2(
    backend: ResilientBackend,
    key: string,
    stored: Buffer,
    serialized: Buffer,
    value: unknown,
    latencyMs: number,
    readMark: number | undefined,
    meta: EntryMeta | undefined,
  ): Loaded {
    try {
      this.afterGoodRead(backend, key, stored, serialized, value, readMark, meta);
    } catch (error) {
      this.io.stats.counters.followUpErrors++;
      this.io.log('warn', { ...keyField('key', key), err: errorSummary(error) }, 'cachekit: a step after a good L2 read failed (L1 fill, TTL refresh or key rotation); the value is served');
    }
    return { source: 'l2', value, serialized, latencyMs, stale: undefined };
  }

  private afterGoodRead(
    backend: ResilientBackend,
    key: string,
    stored: Buffer,
    serialized: Buffer,
    value: unknown,
    readMark: number | undefined,
    meta: EntryMeta | undefined,
  ): void {
    const pipeline = this.io.pipeline;
    if (pipeline.sealedWithPreviousKey?.(stored, this.io.context(key)) === true) {
      // Served by a replaced master key: count it (operators watch this reach zero) and
      // rewrite the entry under the current key so the rotation drains.
      this.io.stats.counters.oldKeyReads++;
      // A framed entry keeps its frame: a rewrite must not make it younger than it is.
      this.io.background.track(
        this.writer.store(key, value, true, meta).then((written) => {
          if (written !== undefined) this.io.stats.counters.keyRotationRewrites++;
        }),
      );
    }
    const fill = this.io.l1;
    if (fill !== undefined) {
      if (this.io.reference) fill.putLive(key, value, readMark, meta);
      else if (pipeline.l1HoldsSealed) fill.putSealed(key, stored, readMark, meta);
      else fill.putCopyOf(key, value, serialized, readMark, meta);
    }
    if (this.io.config.refreshTtl.enabled && this.io.config.ttlSeconds > 0) this.io.background.track(this.refreshTtl(backend, key));
  }

  private async refreshTtl(backend: ResilientBackend, key: string): Promise<void> {
    if (!backend.supportsTtl) return;
    const remaining = await backend.getTtl(key);
    if (remaining.ok && remaining.value !== null && remaining.value < this.io.config.ttlSeconds * this.io.config.refreshTtl.threshold) {
      await backend.refreshTtl(key, Math.ceil(this.io.config.ttlSeconds));
    }
  }
}
