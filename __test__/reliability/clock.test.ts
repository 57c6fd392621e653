import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { MAX_TIMER_DELAY_MS, clampTimerDelay, sleep, systemClock } from '../../src/reliability/clock';
import { ManualClock } from './support/manual-clock';

describe('clock', () => {
  test('delays above 2^31 - 1 ms are clamped instead of firing at once', () => {
    expect(clampTimerDelay(2 ** 40)).toBe(MAX_TIMER_DELAY_MS);
    expect(clampTimerDelay(30 * 24 * 3600 * 1000)).toBe(MAX_TIMER_DELAY_MS);
    expect(clampTimerDelay(-5)).toBe(0);
    expect(clampTimerDelay(Number.NaN)).toBe(0);
    expect(clampTimerDelay(1_500)).toBe(1_500);
  });

  test('system timers never keep the process alive', () => {
    const timer = systemClock.setTimeout(() => {}, 2 ** 40) as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    systemClock.clearTimeout(timer);
  });

  test('keepAlive timers (bounded waits someone awaits) are the only ref\'ed ones', () => {
    const timer = systemClock.setTimeout(() => {}, 10, { keepAlive: true }) as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(true);
    systemClock.clearTimeout(timer);
  });

  test('a system timer with a huge delay does not fire early', async () => {
    let fired = false;
    const timer = systemClock.setTimeout(() => (fired = true), 2 ** 40);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fired).toBe(false);
    systemClock.clearTimeout(timer);
  });

  test('work after pending I/O runs on a quiet process without waiting for an unrelated wake-up', () => {
    // A child process whose loop has only a listening socket (alive, nothing to read) and an
    // unrelated timer 3 s away. A deadline's unref'd timer fires after 10 ms and defers its work
    // with afterPendingIo. That work must run then, not be slept through until the unrelated
    // timer wakes the loop. The bound is half the unrelated timer's delay: a slept-through
    // wake-up takes all of it, an awake loop a few ms.
    const clockModule = path.resolve(__dirname, '../../src/reliability/clock.ts');
    const script = `
      const net = require('node:net');
      const { systemClock } = require(${JSON.stringify(clockModule)});
      const UNRELATED_MS = 3000;
      const server = net.createServer().listen(0, '127.0.0.1');
      const unrelated = setTimeout(() => {}, UNRELATED_MS);
      const started = performance.now();
      systemClock.setTimeout(() => systemClock.afterPendingIo(() => {
        clearTimeout(unrelated);
        server.close();
        process.stdout.write(JSON.stringify({ elapsedMs: performance.now() - started, unrelatedMs: UNRELATED_MS }));
      }), 10);
    `;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
    const { elapsedMs, unrelatedMs } = JSON.parse(output) as { elapsedMs: number; unrelatedMs: number };
    expect(elapsedMs).toBeLessThan(unrelatedMs / 2);
  });

  test('sleep resolves true after the delay, false at once when aborted', async () => {
    const clock = new ManualClock();
    const results: boolean[] = [];
    void sleep(clock, 100).then((r) => results.push(r));
    await clock.advance(100);
    expect(results).toEqual([true]);
    const controller = new AbortController();
    const aborted = sleep(clock, 100, controller.signal);
    controller.abort();
    expect(await aborted).toBe(false);
    expect(await sleep(clock, 100, AbortSignal.abort())).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });
});
