import { describe, expect, test } from 'vitest';
import { AdaptiveTimeout } from '../../src/reliability/adaptive-timeout';
import { LatencyWindow } from '../../src/reliability/latency-window';
import { DEFAULT_TIMEOUTS, type AdaptiveTimeoutOptions } from '../../src/reliability/options';
import { resolveReliabilityOptions } from '../../src/reliability/validate-options';

function makeTimeout(overrides: Partial<AdaptiveTimeoutOptions> = {}): AdaptiveTimeout {
  const options = resolveReliabilityOptions({ timeouts: overrides }).timeouts;
  if (options === false) throw new Error('disabled');
  return new AdaptiveTimeout(options);
}

describe('LatencyWindow', () => {
  test('the percentile is within 5 % above the exact nearest-rank value', () => {
    const window = new LatencyWindow(1_000, 10_000);
    const samples = Array.from({ length: 1_000 }, (_, i) => (i + 1) * 0.5); // 0.5 .. 500 ms
    for (const s of samples) window.add(s);
    for (const p of [50, 90, 95, 99, 100]) {
      const exact = samples[Math.ceil((p / 100) * samples.length) - 1]!;
      const approx = window.percentile(p);
      expect(approx).toBeGreaterThanOrEqual(exact);
      expect(approx).toBeLessThanOrEqual(exact * 1.05 + 1e-9);
    }
  });

  test('old samples are evicted once the window is full', () => {
    const window = new LatencyWindow(10, 10_000);
    for (let i = 0; i < 10; i++) window.add(900);
    for (let i = 0; i < 10; i++) window.add(1);
    expect(window.size).toBe(10);
    expect(window.percentile(100)).toBeLessThan(1.06);
  });

  test('latencies above the ceiling land in the top bucket', () => {
    const window = new LatencyWindow(4, 100);
    window.add(50_000);
    expect(window.percentile(100)).toBeGreaterThanOrEqual(100);
    expect(window.percentile(100)).toBeLessThan(106);
  });

  test('an empty window has no percentile', () => {
    expect(new LatencyWindow(4, 100).percentile(95)).toBeNaN();
  });
});

describe('AdaptiveTimeout', () => {
  test('uses initialMs until minSamples latencies were seen', () => {
    const timeout = makeTimeout({ minSamples: 20 });
    for (let i = 0; i < 19; i++) timeout.record(2);
    expect(timeout.current()).toBe(DEFAULT_TIMEOUTS.initialMs);
    timeout.record(2);
    expect(timeout.current()).toBe(DEFAULT_TIMEOUTS.minMs);
  });

  test('converges to p95 × 1.5 when that lies between min and max', () => {
    const timeout = makeTimeout();
    // 95 % of calls at 100 ms, 5 % at 400 ms: p95 sits in the 100 ms bucket.
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 19; i++) timeout.record(100);
      timeout.record(400);
    }
    expect(timeout.current()).toBeGreaterThanOrEqual(150);
    expect(timeout.current()).toBeLessThanOrEqual(150 * 1.05);
  });

  test('clamps to minMs for a fast backend and maxMs for a very slow one', () => {
    const fast = makeTimeout();
    for (let i = 0; i < 100; i++) fast.record(0.3);
    expect(fast.current()).toBe(DEFAULT_TIMEOUTS.minMs);
    const slow = makeTimeout();
    for (let i = 0; i < 100; i++) slow.record(5_000);
    expect(slow.current()).toBe(DEFAULT_TIMEOUTS.maxMs);
  });

  test('follows a backend that became slower, once the window has turned over', () => {
    const timeout = makeTimeout({ windowSize: 100 });
    for (let i = 0; i < 100; i++) timeout.record(1);
    expect(timeout.current()).toBe(25);
    for (let i = 0; i < 100; i++) timeout.record(200);
    expect(timeout.current()).toBeGreaterThanOrEqual(300);
    expect(timeout.current()).toBeLessThanOrEqual(300 * 1.05);
  });

  test('timeouts add no sample: a backend that never answers does not raise the timeout', () => {
    const timeout = makeTimeout({ windowSize: 100 });
    for (let i = 0; i < 100; i++) timeout.record(1);
    for (let i = 0; i < 100; i++) timeout.recordTimeout();
    expect(timeout.current()).toBe(25);
    expect(timeout.stats()).toMatchObject({ samples: 100, timeouts: 100, lateAnswers: 0 });
  });

  test('a late answer raises the timeout to cover it at once, capped at maxMs', () => {
    const timeout = makeTimeout();
    for (let i = 0; i < 1_000; i++) timeout.record(1);
    timeout.recordLate(40);
    expect(timeout.current()).toBe(60);
    timeout.recordLate(5_000);
    expect(timeout.current()).toBe(DEFAULT_TIMEOUTS.maxMs);
    expect(timeout.stats().lateAnswers).toBe(2);
  });

  test('the raised timeout holds while the percentile catches up with a lasting slowdown', () => {
    const timeout = makeTimeout();
    for (let i = 0; i < 1_000; i++) timeout.record(1);
    timeout.recordLate(40);
    // Every later answer is as slow: after 5 % of the window the percentile itself covers it.
    for (let i = 0; i < 200; i++) {
      timeout.record(40);
      expect(timeout.current()).toBeGreaterThanOrEqual(60);
    }
    expect(timeout.stats().percentileMs).toBeGreaterThanOrEqual(40);
  });

  test('after a one-off late answer the timeout returns to the percentile', () => {
    const timeout = makeTimeout();
    for (let i = 0; i < 1_000; i++) timeout.record(1);
    timeout.recordLate(300);
    expect(timeout.current()).toBe(450);
    for (let i = 0; i < 50; i++) timeout.record(1);
    expect(timeout.current()).toBe(450);
    for (let i = 0; i < 50; i++) timeout.record(1);
    expect(timeout.current()).toBe(25);
  });

  test('stats expose the value, the sample count and the observed percentile', () => {
    const timeout = makeTimeout({ minSamples: 5 });
    expect(timeout.stats()).toEqual({ timeoutMs: 250, samples: 0, percentileMs: null, timeouts: 0, lateAnswers: 0 });
    for (let i = 0; i < 5; i++) timeout.record(40);
    const stats = timeout.stats();
    expect(stats.samples).toBe(5);
    expect(stats.percentileMs).toBeGreaterThanOrEqual(40);
    expect(stats.timeoutMs).toBeCloseTo(stats.percentileMs! * 1.5, 6);
  });
});
