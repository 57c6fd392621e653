/**
 * Concurrency limit for backend operations: at most `maxConcurrent` in flight, at most
 * `queueSize` waiting, each waiting at most `queueTimeoutMs`. Anything beyond is turned away
 * at once — the caller treats it as a miss or a skipped write — so memory stays bounded however
 * slow the backend gets.
 */
import { systemClock, type Clock, type TimerHandle } from './clock';
import type { BackpressureOptions } from './options';

/** Outcome of `Backpressure.acquire`. */
export type PermitOutcome = 'acquired' | 'queue-full' | 'queue-timeout' | 'aborted' | 'closed';

/** Snapshot returned by `Backpressure.stats()`. */
export interface BackpressureStats {
  readonly inFlight: number;
  readonly queued: number;
  readonly maxConcurrent: number;
  readonly queueSize: number;
  /** Highest `inFlight` seen. */
  readonly peakInFlight: number;
  readonly rejectedQueueFull: number;
  readonly rejectedQueueTimeout: number;
  readonly aborted: number;
  /** False when the queue is more than 80 % full. */
  readonly healthy: boolean;
}

/** A queued request, linked both ways so a timed-out waiter leaves the queue in O(1). */
interface Waiter {
  resolve: (outcome: PermitOutcome) => void;
  timer: TimerHandle;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  prev: Waiter | null;
  next: Waiter | null;
  linked: boolean;
}

/** A counting semaphore with a bounded FIFO queue. */
export class Backpressure {
  private readonly options: Readonly<BackpressureOptions>;
  private readonly clock: Clock;
  private inFlight = 0;
  private queued = 0;
  private head: Waiter | null = null;
  private tail: Waiter | null = null;
  private peak = 0;
  private rejectedFull = 0;
  private rejectedTimeout = 0;
  private abortedCount = 0;
  private closed = false;

  constructor(options: Readonly<BackpressureOptions>, deps: { clock?: Clock } = {}) {
    this.options = options;
    this.clock = deps.clock ?? systemClock;
  }

  /** Takes a permit if one is free right now (the synchronous fast path). */
  tryAcquire(): boolean {
    if (this.closed || this.inFlight >= this.options.maxConcurrent) return false;
    this.inFlight++;
    if (this.inFlight > this.peak) this.peak = this.inFlight;
    return true;
  }

  /**
   * Takes a permit, waiting in the queue when none is free. Resolves `'acquired'` (call
   * `release()` later) or why not; never rejects.
   */
  acquire(signal?: AbortSignal): Promise<PermitOutcome> {
    if (this.closed) return Promise.resolve('closed');
    if (this.tryAcquire()) return Promise.resolve('acquired');
    if (signal?.aborted) {
      this.abortedCount++;
      return Promise.resolve('aborted');
    }
    if (this.queued >= this.options.queueSize) {
      this.rejectedFull++;
      return Promise.resolve('queue-full');
    }
    return new Promise((resolve) => {
      const waiter: Waiter = { resolve, timer: undefined, signal, onAbort: undefined, prev: this.tail, next: null, linked: true };
      waiter.timer = this.clock.setTimeout(() => {
        this.unlink(waiter);
        this.rejectedTimeout++;
        resolve('queue-timeout');
      }, this.options.queueTimeoutMs);
      if (signal !== undefined) {
        waiter.onAbort = () => {
          this.clock.clearTimeout(waiter.timer);
          this.unlink(waiter);
          this.abortedCount++;
          resolve('aborted');
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      if (this.tail === null) this.head = waiter;
      else this.tail.next = waiter;
      this.tail = waiter;
      this.queued++;
    });
  }

  /** Returns a permit; hands it straight to the oldest waiter if there is one. */
  release(): void {
    const waiter = this.head;
    if (waiter === null || this.closed) {
      if (this.inFlight > 0) this.inFlight--;
      return;
    }
    this.clock.clearTimeout(waiter.timer);
    this.unlink(waiter);
    // The permit changes hands: inFlight stays the same.
    waiter.resolve('acquired');
  }

  /** Turns away every waiter and every later request. Permits in flight may still be released. */
  close(): void {
    this.closed = true;
    while (this.head !== null) {
      const waiter = this.head;
      this.clock.clearTimeout(waiter.timer);
      this.unlink(waiter);
      waiter.resolve('closed');
    }
  }

  /** Requests waiting for a permit now. */
  get waiting(): number {
    return this.queued;
  }

  /** Current counters. */
  stats(): BackpressureStats {
    return {
      inFlight: this.inFlight,
      queued: this.queued,
      maxConcurrent: this.options.maxConcurrent,
      queueSize: this.options.queueSize,
      peakInFlight: this.peak,
      rejectedQueueFull: this.rejectedFull,
      rejectedQueueTimeout: this.rejectedTimeout,
      aborted: this.abortedCount,
      healthy: this.queued <= 0.8 * this.options.queueSize,
    };
  }

  private unlink(waiter: Waiter): void {
    if (!waiter.linked) return;
    waiter.linked = false;
    if (waiter.signal !== undefined && waiter.onAbort !== undefined) waiter.signal.removeEventListener('abort', waiter.onAbort);
    if (waiter.prev === null) this.head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === null) this.tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = null;
    waiter.next = null;
    this.queued--;
  }
}
