/**
 * A clock the test moves by hand. `advance(ms)` runs due timers in deadline order and lets
 * promise callbacks run between them, so timer-driven code is tested without wall-clock sleeps.
 */
import type { Clock, TimerHandle } from '../../../src/reliability/clock';

interface ManualTimer {
  at: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

/** Lets every queued promise callback (and the ones they queue) run. */
export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Deterministic `Clock` for tests. */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private timers: ManualTimer[] = [];

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const timer: ManualTimer = { at: this.time + Math.max(0, delayMs), seq: this.seq++, callback, cancelled: false };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    if (handle !== undefined && handle !== null) (handle as ManualTimer).cancelled = true;
  }

  /** Timers scheduled and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Moves time forward by `ms`, firing due timers in order and flushing promises after each. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await flushMicrotasks();
    for (;;) {
      const due = this.timers
        .filter((t) => !t.cancelled && t.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      due.cancelled = true;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.callback();
      await flushMicrotasks();
    }
    this.time = target;
    this.timers = this.timers.filter((t) => !t.cancelled);
  }
}
