/**
 * The deadline wheel: 1 ms slots, one timer for all of them. Entries expire when their slot
 * ends; slots left with nothing to end are dropped without firing; a signal handed out ends
 * on time whatever happened to its slot.
 */
import { describe, expect, test } from 'vitest';
import { DeadlineWheel, type Expirable } from '../../src/reliability/deadline-wheel';
import { ManualClock } from './support/manual-clock';

class Entry implements Expirable {
  slotPosition = -1;
  expiredAt: number | undefined;
  constructor(private readonly clock: ManualClock) {}
  expire(): void {
    this.expiredAt = this.clock.now();
  }
}

function setup() {
  const clock = new ManualClock();
  const wheel = new DeadlineWheel(clock, () => new Error('deadline'));
  return { clock, wheel };
}

describe('DeadlineWheel', () => {
  test('an entry expires when its slot ends (deadline rounded up to the millisecond), not before', async () => {
    const { clock, wheel } = setup();
    await clock.advance(0.4);
    const entry = new Entry(clock);
    wheel.slotFor(clock.now(), 25).add(entry);
    await clock.advance(25.5);
    expect(entry.expiredAt).toBeUndefined();
    await clock.advance(0.1);
    expect(entry.expiredAt).toBe(26);
  });

  test('one timer serves every slot, however many are handed out', async () => {
    const { clock, wheel } = setup();
    const entries: Entry[] = [];
    for (let ms = 0; ms < 50; ms++) {
      const entry = new Entry(clock);
      entries.push(entry);
      wheel.slotFor(clock.now(), 25 + (ms % 3) * 10).add(entry);
      expect(clock.pendingTimers).toBe(1);
      await clock.advance(1);
    }
    await clock.advance(100);
    for (const [ms, entry] of entries.entries()) expect(entry.expiredAt).toBe(ms + 25 + (ms % 3) * 10);
  });

  test('slots emptied before their end are dropped without a firing of their own, and no timer is left', async () => {
    const { clock, wheel } = setup();
    const first = new Entry(clock);
    wheel.slotFor(clock.now(), 25).add(first);
    const emptied: Entry[] = [];
    for (let ms = 1; ms <= 20; ms++) {
      await clock.advance(1);
      const entry = new Entry(clock);
      const slot = wheel.slotFor(clock.now(), 25);
      slot.add(entry);
      slot.remove(entry);
      emptied.push(entry);
    }
    const last = new Entry(clock);
    wheel.slotFor(clock.now(), 40).add(last);
    await clock.advance(5); // t = 25: the first slot ends; the 20 emptied ones are dropped
    expect(first.expiredAt).toBe(25);
    expect(wheel.pendingSlots).toBe(1);
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(100);
    expect(last.expiredAt).toBe(60);
    for (const entry of emptied) expect(entry.expiredAt).toBeUndefined();
    expect(wheel.pendingSlots).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  test('a shorter deadline handed out later re-arms the timer earlier', async () => {
    const { clock, wheel } = setup();
    const slow = new Entry(clock);
    wheel.slotFor(clock.now(), 250).add(slow);
    const fast = new Entry(clock);
    wheel.slotFor(clock.now(), 25).add(fast);
    await clock.advance(25);
    expect(fast.expiredAt).toBe(25);
    expect(slow.expiredAt).toBeUndefined();
    await clock.advance(225);
    expect(slow.expiredAt).toBe(250);
  });

  test("a slot's signal aborts when the slot ends, also when it was taken after the slot was dropped", async () => {
    const { clock, wheel } = setup();
    const early = wheel.slotFor(clock.now(), 10);
    const taken = early.signal;
    const dropped = wheel.slotFor(clock.now(), 30); // empty: dropped when the first slot ends
    await clock.advance(10);
    expect(taken.aborted).toBe(true);
    expect(dropped.dropped).toBe(true);
    const late = dropped.signal;
    expect(late.aborted).toBe(false);
    await clock.advance(19);
    expect(late.aborted).toBe(false);
    await clock.advance(1);
    expect(late.aborted).toBe(true);
    expect((late.reason as Error).message).toBe('deadline');
  });

  test('a new slot for the time of a dropped one is a fresh slot that ends on time', async () => {
    const { clock, wheel } = setup();
    wheel.slotFor(clock.now(), 10).add(new Entry(clock));
    const dropped = wheel.slotFor(clock.now(), 30);
    await clock.advance(10);
    expect(dropped.dropped).toBe(true);
    const entry = new Entry(clock);
    const fresh = wheel.slotFor(clock.now(), 20);
    expect(fresh).not.toBe(dropped);
    expect(fresh.endsAt).toBe(dropped.endsAt);
    fresh.add(entry);
    await clock.advance(20);
    expect(entry.expiredAt).toBe(30);
  });
});
