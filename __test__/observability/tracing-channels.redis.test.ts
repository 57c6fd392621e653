/**
 * What an APM subscribing to cachekit's diagnostics_channel TracingChannels receives, with the
 * suite's redis-server: one `cachekit:call` per call with its outcome at the end, the L2
 * operations, function runs and lock waits inside it, in order; and nothing once it
 * unsubscribes.
 */
import dc from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { cache, TRACING_CHANNELS } from '../../src';
import { useRedisAndBackend } from '../support/redis-and-backend';

const MODULE = 'tracing-channels';
const store = useRedisAndBackend();

interface Seen {
  channel: string;
  event: 'start' | 'asyncEnd' | 'error';
  message: Record<string, unknown>;
}

const unsubscribe: Array<() => void> = [];
afterEach(() => {
  while (unsubscribe.length > 0) unsubscribe.pop()!();
});

/** Subscribes to every cachekit channel; returns what arrives, as copies taken at each event. */
function subscribeAll(): Seen[] {
  const seen: Seen[] = [];
  for (const name of Object.values(TRACING_CHANNELS)) {
    const channel = dc.tracingChannel(name);
    const handlers = {
      start: (message: object) => void seen.push({ channel: name, event: 'start', message: { ...message } }),
      asyncEnd: (message: object) => void seen.push({ channel: name, event: 'asyncEnd', message: { ...message } }),
      error: (message: object) => void seen.push({ channel: name, event: 'error', message: { ...message } }),
    };
    channel.subscribe(handlers as never);
    unsubscribe.push(() => void channel.unsubscribe(handlers as never));
  }
  return seen;
}

let instances = 0;
const unique = (base: string) => `${base}${++instances}_${process.pid}`;

describe('diagnostics_channel tracing', () => {
  it('a miss under the lock: call → L2 get → lock wait (with its L2 lock operations) → function run → L2 set, then the call ends as a miss', async () => {
    const seen = subscribeAll();
    const name = unique('miss');
    const f = cache(async (id: number) => ({ id }), { backend: store.backend, l1: false, name, module: MODULE, namespace: 'orders', reliability: { lock: {} } });
    expect(await f(7)).toEqual({ id: 7 });
    await f.flush();
    const starts = seen.filter((s) => s.event === 'start').map((s) => `${s.channel}${s.message.operation === undefined ? '' : `:${String(s.message.operation)}`}`);
    expect(starts.slice(0, 4)).toEqual(['cachekit:call', 'cachekit:l2:get', 'cachekit:lock', 'cachekit:l2:acquireLock']);
    expect(starts).toContain('cachekit:function');
    expect(starts).toContain('cachekit:l2:set');
    const callEnd = seen.find((s) => s.channel === 'cachekit:call' && s.event === 'asyncEnd')!;
    expect(callEnd.message).toMatchObject({ cache: `${MODULE}.${name}`, namespace: 'orders', outcome: 'miss', result: { id: 7 } });
    expect(callEnd.message.key).toMatch(/^t:default:ns:orders:func:/);
    const lockEnd = seen.find((s) => s.channel === 'cachekit:lock' && s.event === 'asyncEnd')!;
    expect(lockEnd.message).toMatchObject({ backend: 'redis', outcome: 'acquired' });
    const getEnd = seen.find((s) => s.channel === 'cachekit:l2' && s.event === 'asyncEnd' && s.message.operation === 'get')!;
    expect(getEnd.message).toMatchObject({ backend: 'redis', namespace: 'orders', ok: true });
  });

  it('an L1 hit is one call, ended as l1_hit, with no L2 operation', async () => {
    const name = unique('hit');
    const f = cache(async (id: number) => id, { backend: store.backend, name, module: MODULE });
    await f(1);
    await f.flush();
    const seen = subscribeAll();
    await f(1);
    expect(seen.map((s) => `${s.channel} ${s.event}`)).toEqual(['cachekit:call start', 'cachekit:call asyncEnd']);
    expect(seen[1]!.message.outcome).toBe('l1_hit');
  });

  it('a function that throws: error on the function run and on the call', async () => {
    const seen = subscribeAll();
    const f = cache(async (): Promise<number> => {
      throw new Error('boom');
    }, { backend: null, name: unique('throws'), module: MODULE });
    await expect(f()).rejects.toThrow('boom');
    expect(seen.filter((s) => s.event === 'error').map((s) => s.channel)).toEqual(['cachekit:function', 'cachekit:call']);
  });

  it('after unsubscribing, nothing arrives', async () => {
    const seen = subscribeAll();
    while (unsubscribe.length > 0) unsubscribe.pop()!();
    for (const name of Object.values(TRACING_CHANNELS)) expect((dc.tracingChannel(name) as unknown as { hasSubscribers: boolean }).hasSubscribers).toBe(false);
    const f = cache(async (id: number) => id, { backend: store.backend, name: unique('quiet'), module: MODULE });
    await f(1);
    await f.flush();
    expect(seen).toEqual([]);
  });
});
