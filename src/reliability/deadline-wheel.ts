/**
 * Operation deadlines grouped into 1 ms slots. All operations whose deadline falls in the same
 * slot share one timer and one AbortSignal, so a busy process pays one `setTimeout` and at most
 * one `AbortController` per millisecond instead of one per operation (together about 2 µs in
 * Node 20 — ten times a memory-backend get). A deadline is rounded up by less than 1 ms.
 */
import type { BackendCallOptions } from '../backends/types';
import type { Clock } from './clock';

/** Grid of slot ends, ms. */
const SLOT_MS = 1;

/** Something that gives up when its slot's time is over. */
export interface Expirable {
  /** Index in the slot's entry list, kept by the slot; -1 when not registered. */
  slotPosition: number;
  /** Called once when the slot's time is over, unless removed first. */
  expire(): void;
}

/**
 * One slot: the options handed to every backend call in it (its `signal` is created only if a
 * backend reads it, and aborted when the slot ends) and the operations still waiting in it.
 */
export class DeadlineSlot implements BackendCallOptions {
  /** Clock time at which the slot ends. */
  readonly endsAt: number;
  declare readonly signal: AbortSignal;
  private readonly entries: Expirable[] = [];
  private readonly abortReason: () => unknown;
  private controller: AbortController | undefined;
  private ended = false;

  constructor(endsAt: number, abortReason: () => unknown) {
    this.endsAt = endsAt;
    this.abortReason = abortReason;
    // An own, enumerable getter: a backend that spreads its options still gets the signal.
    Object.defineProperty(this, 'signal', {
      enumerable: true,
      get: () => {
        if (this.controller === undefined) {
          this.controller = new AbortController();
          if (this.ended) this.controller.abort(abortReason());
        }
        return this.controller.signal;
      },
    });
  }

  /** Registers an operation to expire when the slot ends. */
  add(entry: Expirable): void {
    entry.slotPosition = this.entries.length;
    this.entries.push(entry);
  }

  /** Unregisters an operation that finished in time (O(1): swap with the last entry). */
  remove(entry: Expirable): void {
    const position = entry.slotPosition;
    if (position < 0) return;
    entry.slotPosition = -1;
    const last = this.entries.pop();
    if (last !== undefined && last !== entry) {
      this.entries[position] = last;
      last.slotPosition = position;
    }
  }

  /** Ends the slot: aborts the shared signal (if handed out) and expires every waiting entry. */
  end(): void {
    this.ended = true;
    // The reason is built only when some backend took the signal.
    if (this.controller !== undefined) this.controller.abort(this.abortReason());
    const waiting = this.entries.splice(0);
    for (const entry of waiting) {
      entry.slotPosition = -1;
      entry.expire();
    }
  }
}

/** Hands out deadline slots and ends each with one timer. */
export class DeadlineWheel {
  private readonly clock: Clock;
  private readonly abortReason: () => unknown;
  private readonly slots = new Map<number, DeadlineSlot>();
  /** Consecutive operations almost always land in the same slot: skip the map for them. */
  private recent: DeadlineSlot | undefined;

  /** @param abortReason builds the reason given to a slot's AbortSignal when it ends */
  constructor(clock: Clock, abortReason: () => unknown) {
    this.clock = clock;
    this.abortReason = abortReason;
  }

  /** The slot for an operation starting at `now` with `timeoutMs`, created (and timed) if new. */
  slotFor(now: number, timeoutMs: number): DeadlineSlot {
    return this.slotForDeadline(now + timeoutMs, now);
  }

  /** The slot for a deadline (clock time) no earlier than `now`, created (and timed) if new. */
  slotForDeadline(deadline: number, now: number): DeadlineSlot {
    const endsAt = Math.ceil(deadline / SLOT_MS) * SLOT_MS;
    const recent = this.recent;
    if (recent !== undefined && recent.endsAt === endsAt) return recent;
    let slot = this.slots.get(endsAt);
    if (slot === undefined) {
      const created = new DeadlineSlot(endsAt, this.abortReason);
      slot = created;
      this.slots.set(endsAt, created);
      this.clock.setTimeout(() => {
        this.slots.delete(endsAt);
        if (this.recent === created) this.recent = undefined;
        // Node runs due timers before it reads sockets. After the loop was busy (GC, a long
        // synchronous task), a reply that arrived in time may still sit unread: end the slot only
        // after pending I/O was read, so such a reply is an answer, not a timeout that counts
        // against the breaker.
        if (this.clock.afterPendingIo === undefined) created.end();
        else this.clock.afterPendingIo(() => created.end());
      }, endsAt - now);
    }
    this.recent = slot;
    return slot;
  }

  /** Slots whose timer has not fired yet. */
  get pendingSlots(): number {
    return this.slots.size;
  }
}
