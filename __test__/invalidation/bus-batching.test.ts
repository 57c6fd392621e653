/**
 * How the bus gathers announcements into publishes: a change nobody waits for (a fill) may
 * wait up to FILL_GATHER_MS to share a publish; a prompt one goes out on the next turn and takes
 * any gathered fills with it; close() sends a gathering at
 * once. The transport here records frames in memory: the Redis side of
 * the bus is tested against real servers in coherence.redis.test.ts and topologies.redis.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FILL_GATHER_MS, InvalidationBus } from '../../src/invalidation/bus';
import { decodeMessage } from '../../src/invalidation/message';
import type { BusTransport, TransportHandlers } from '../../src/invalidation/redis-transport';

/** A transport that keeps what was published, link always up. */
function recordingTransport(): { transport: BusTransport; published: string[][] } {
  const published: string[][] = [];
  const transport: BusTransport = {
    shards: 1,
    shardOf: () => 0,
    start: (handlers: TransportHandlers) => handlers.linkUp(),
    publish: (_shard, frame) => {
      published.push([...(decodeMessage(frame)?.items ?? [])]);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
  return { transport, published };
}

const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

describe('invalidation bus batching', () => {
  let bus: InvalidationBus;
  let published: string[][];

  beforeEach(() => {
    vi.useFakeTimers();
    const recording = recordingTransport();
    published = recording.published;
    bus = new InvalidationBus(recording.transport, { degradedTtlMs: 1000, logger: () => quietLogger, label: 'test' });
  });
  afterEach(async () => {
    await bus.close();
    vi.useRealTimers();
  });

  it('fills announced over several turns share one publish, sent within FILL_GATHER_MS', async () => {
    bus.keysChanged(['a'], true);
    await vi.advanceTimersByTimeAsync(1);
    bus.keysChanged(['b'], true);
    await vi.advanceTimersByTimeAsync(1);
    bus.keysChanged(['c'], true);
    expect(published).toEqual([]);
    await vi.advanceTimersByTimeAsync(FILL_GATHER_MS);
    expect(published).toEqual([['a', 'b', 'c']]);
    expect(bus.stats().published).toBe(1);
  });

  it('a prompt announcement goes out on the next turn and takes the gathered fills with it', async () => {
    bus.keysChanged(['filled'], true);
    bus.keysChanged(['awaited']);
    await vi.advanceTimersByTimeAsync(0);
    expect(published).toEqual([['filled', 'awaited']]);
    // The gathering that was open has nothing left to send.
    await vi.advanceTimersByTimeAsync(FILL_GATHER_MS * 2);
    expect(published).toHaveLength(1);
  });

  it('prompt announcements of separate turns are separate publishes (nothing waits for a gathering)', async () => {
    bus.keysChanged(['x']);
    await vi.advanceTimersByTimeAsync(0);
    bus.keysChanged(['y']);
    await vi.advanceTimersByTimeAsync(0);
    expect(published).toEqual([['x'], ['y']]);
  });

  it('close() sends what a gathering holds instead of dropping it, and publishes nothing after', async () => {
    bus.keysChanged(['last'], true);
    await bus.close();
    expect(published).toEqual([['last']]);
    bus.keysChanged(['after-close'], true);
    await vi.advanceTimersByTimeAsync(FILL_GATHER_MS * 2);
    expect(published).toEqual([['last']]);
  });
});
