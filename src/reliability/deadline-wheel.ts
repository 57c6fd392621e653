/**
 * Operation deadlines grouped into 1 ms slots. All operations whose deadline falls in the same
 * slot share one AbortSignal (created only if a backend reads it), and all slots share one
 * timer, armed for the earliest slot that still has something to end. A deadline is rounded
 * up by less than 1 ms.
 *
 * Why one timer: nearly every operation finishes long before its deadline, so nearly every
 * slot is empty by the time it ends. A timer per slot fired about once per millisecond under
 * load, and with real I/O each firing (the timer list, the setImmediate that lets pending
 * replies be read first) cost about 0.5 µs per Redis command at sequential load. Now a slot
 * is a heap entry; when the timer fires it ends the due slots, drops the empty ones that
 * follow, and re-arms for the first slot that still waits for something — under steady load
 * about once per timeout (25 ms) rather than every millisecond.
 */
import type { BackendCallOptions } from '../backends/types';
import type { Clock, TimerHandle } from './clock';

/** Grid of slot ends, ms. */
const SLOT_MS = 1;

/** Something that gives up when its slot's time is over. */
export interface Expirable {
  /** Index in the slot's entry list, kept by the slot; -1 when not registered. */
  slotPosition: number;
  /** Called once when the slot's time is over, unless removed first. */
  expire(): void;
}

/** What a slot needs from its wheel. */
interface SlotOwner {
  /** A dropped slot whose signal was handed out after all: it must end on time again. */
  reinstate(slot: DeadlineSlot): void;
}

/**
 * One slot: the options handed to every backend call in it (its `signal` is created only if a
 * backend reads it, and aborted when the slot ends) and the operations still waiting in it.
 */
export class DeadlineSlot implements BackendCallOptions {
  /** Clock time at which the slot ends. */
  readonly endsAt: number;
  declare readonly signal: AbortSignal;
  /** Set when the wheel let go of the slot before its end (it had nothing to end). */
  dropped = false;
  private readonly entries: Expirable[] = [];
  private readonly abortReason: () => unknown;
  private controller: AbortController | undefined;
  private ended = false;

  constructor(endsAt: number, abortReason: () => unknown, owner: SlotOwner) {
    this.endsAt = endsAt;
    this.abortReason = abortReason;
    // An own, enumerable getter: a backend that spreads its options still gets the signal.
    Object.defineProperty(this, 'signal', {
      enumerable: true,
      get: () => {
        if (this.controller === undefined) {
          this.controller = new AbortController();
          if (this.ended) this.controller.abort(abortReason());
          else if (this.dropped) owner.reinstate(this);
        }
        return this.controller.signal;
      },
    });
  }

  /** Whether ending the slot would do anything (waiting entries, or a signal handed out). */
  get holdsWork(): boolean {
    return this.entries.length > 0 || this.controller !== undefined;
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

/** Hands out deadline slots and ends them with one timer. */
export class DeadlineWheel implements SlotOwner {
  private readonly clock: Clock;
  private readonly abortReason: () => unknown;
  private readonly slots = new Map<number, DeadlineSlot>();
  /** The slots of `slots`, as a binary min-heap on `endsAt`. */
  private readonly heap: DeadlineSlot[] = [];
  /** Consecutive operations almost always land in the same slot: skip the map for them. */
  private recent: DeadlineSlot | undefined;
  private timer: TimerHandle | undefined;
  /** Clock time the timer is armed for (meaningful while `timer` is set). */
  private armedFor = 0;

  /** @param abortReason builds the reason given to a slot's AbortSignal when it ends */
  constructor(clock: Clock, abortReason: () => unknown) {
    this.clock = clock;
    this.abortReason = abortReason;
  }

  /** The slot for an operation starting at `now` with `timeoutMs`, created if new. */
  slotFor(now: number, timeoutMs: number): DeadlineSlot {
    return this.slotForDeadline(now + timeoutMs, now);
  }

  /** The slot for a deadline (clock time) no earlier than `now`, created if new. */
  slotForDeadline(deadline: number, now: number): DeadlineSlot {
    const endsAt = Math.ceil(deadline / SLOT_MS) * SLOT_MS;
    const recent = this.recent;
    if (recent !== undefined && recent.endsAt === endsAt && !recent.dropped) return recent;
    let slot = this.slots.get(endsAt);
    if (slot === undefined) {
      slot = new DeadlineSlot(endsAt, this.abortReason, this);
      this.insert(slot, now);
    }
    this.recent = slot;
    return slot;
  }

  /** Slots not yet ended or dropped. */
  get pendingSlots(): number {
    return this.slots.size;
  }

  /** @internal A dropped slot handed out its signal: it ends on time after all. */
  reinstate(slot: DeadlineSlot): void {
    if (!slot.dropped) return;
    slot.dropped = false;
    const other = this.slots.get(slot.endsAt);
    // A new slot took its place meanwhile: end the old one alongside it, on its own timer.
    if (other !== undefined) {
      this.clock.setTimeout(() => this.afterPendingIo(() => slot.end()), Math.max(0, slot.endsAt - this.clock.now()));
      return;
    }
    this.insert(slot, this.clock.now());
  }

  private insert(slot: DeadlineSlot, now: number): void {
    this.slots.set(slot.endsAt, slot);
    this.push(slot);
    if (this.timer === undefined || slot.endsAt < this.armedFor) this.arm(slot.endsAt, now);
  }

  private arm(at: number, now: number): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.armedFor = at;
    this.timer = this.clock.setTimeout(this.fire, at - now);
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    // Node runs due timers before it reads sockets. After the loop was busy (GC, a long
    // synchronous task), a reply that arrived in time may still sit unread: end slots only
    // after pending I/O was read, so such a reply is an answer, not a timeout that counts
    // against the breaker. Only slots due when the timer fired end then: a slot that came due
    // in between may have replies that the next read will find (it gets a timer of its own).
    const firedAt = this.clock.now();
    this.afterPendingIo(() => this.endSlotsDueBy(firedAt));
  };

  private endSlotsDueBy(firedAt: number): void {
    const due: DeadlineSlot[] = [];
    let next = this.heap[0];
    // Due slots end; slots after them with nothing to end are dropped without a timer.
    while (next !== undefined && (next.endsAt <= firedAt || !next.holdsWork)) {
      this.pop();
      this.slots.delete(next.endsAt);
      if (this.recent === next) this.recent = undefined;
      if (next.endsAt <= firedAt) due.push(next);
      else next.dropped = true;
      next = this.heap[0];
    }
    if (next !== undefined && (this.timer === undefined || next.endsAt < this.armedFor)) this.arm(next.endsAt, this.clock.now());
    for (const slot of due) slot.end();
  }

  private afterPendingIo(callback: () => void): void {
    if (this.clock.afterPendingIo === undefined) callback();
    else this.clock.afterPendingIo(callback);
  }

  // ---- binary min-heap on endsAt ----

  private push(slot: DeadlineSlot): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(slot);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent]!;
      if (above.endsAt <= slot.endsAt) break;
      heap[i] = above;
      i = parent;
    }
    heap[i] = slot;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    let i = 0;
    const size = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && heap[right]!.endsAt < heap[left]!.endsAt ? right : left;
      if (heap[child]!.endsAt >= last.endsAt) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}
