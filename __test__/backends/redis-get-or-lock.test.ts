/**
 * `getOrLock`: a locked cache's L2 read that, on a miss, also tries for the lock — one script,
 * one round trip. Against a redis-server of its own (so its command statistics count only this
 * suite's commands): the three answers, the lock it takes is the `<key>:lock` every other lock
 * call (and cachekit-py) uses, a server that refuses scripts still gets correct answers, and a
 * `cache.production` miss sends the commands of a plain miss plus the lock's release.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { cache } from '../../src';
import { RedisBackend } from '../../src/backends/redis/backend';
import { useOwnRedisServer } from '../support/own-redis-server';

const own = useOwnRedisServer();
const backends: RedisBackend[] = [];

function backendFor(url = own.server.url): RedisBackend {
  const backend = new RedisBackend({ url });
  backends.push(backend);
  return backend;
}

/**
 * Counts the commands clients send from now on (MONITOR; the commands a script runs inside
 * Redis are left out, and so is MONITOR's own client), until `stop()`.
 */
async function watchCommands(): Promise<{ calls: () => Record<string, number>; stop: () => void }> {
  const monitor = await new Redis(own.server.url).monitor();
  const counts: Record<string, number> = {};
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source === 'lua') return;
    const name = (args[0] ?? '').toLowerCase();
    counts[name] = (counts[name] ?? 0) + 1;
  });
  return { calls: () => ({ ...counts }), stop: () => monitor.disconnect() };
}

/** Lets MONITOR's reports of commands already answered arrive. */
const settleMonitor = () => new Promise((resolve) => setTimeout(resolve, 50));

afterEach(async () => {
  while (backends.length > 0) await backends.pop()!.close();
  await own.raw.acl('DELUSER', 'noscripts');
  await own.reset();
});

describe('RedisBackend.getOrLock', () => {
  it('returns the value when there is one, else takes the lock, else reports it held: one EVALSHA each', async () => {
    const backend = backendFor();
    await own.raw.set('gol:present', 'value');
    await backend.healthCheck();
    // The first call loads the script (NOSCRIPT → EVAL); count from the second on.
    await backend.getOrLock('gol:warm', 'warm-token', 1_000);
    const watch = await watchCommands();

    const present = await backend.getOrLock('gol:present', 'token-a', 5_000);
    const absent = await backend.getOrLock('gol:absent', 'token-a', 5_000);
    const held = await backend.getOrLock('gol:absent', 'token-b', 5_000);
    await settleMonitor();
    watch.stop();

    expect(present?.toString()).toBe('value');
    expect(absent).toBe('acquired');
    expect(held).toBe('held');
    expect(watch.calls()).toEqual({ evalsha: 3 });
    expect(await own.raw.exists('gol:present:lock')).toBe(0);
    expect(await own.raw.get('gol:absent:lock')).toBe('token-a');
    const lease = await own.raw.pttl('gol:absent:lock');
    expect(lease).toBeGreaterThan(0);
    expect(lease).toBeLessThanOrEqual(5_000);
  });

  it('takes the same lock as acquireLock and releaseLock: each excludes the other, and the release frees it', async () => {
    const backend = backendFor();
    expect(await backend.acquireLock('shared:k', 'holder', 5_000)).toBe(true);
    expect(await backend.getOrLock('shared:k', 'other', 5_000)).toBe('held');
    expect(await backend.releaseLock('shared:k', 'holder')).toBe(true);
    expect(await backend.getOrLock('shared:k', 'other', 5_000)).toBe('acquired');
    expect(await backend.acquireLock('shared:k', 'holder', 5_000)).toBe(false);
    expect(await backend.releaseLock('shared:k', 'other')).toBe(true);
  });

  it('answers correctly on a server that refuses scripts (GET, then SET NX), and keeps doing so', async () => {
    await own.raw.acl('SETUSER', 'noscripts', 'on', '>secret', '~*', '&*', '+@all', '-@scripting');
    const backend = backendFor(own.server.url.replace('redis://', 'redis://noscripts:secret@'));
    await own.raw.set('acl:present', 'value');
    expect((await backend.getOrLock('acl:present', 't1', 5_000))?.toString()).toBe('value');
    expect(await backend.getOrLock('acl:absent', 't1', 5_000)).toBe('acquired');
    expect(await own.raw.get('acl:absent:lock')).toBe('t1');
    expect(await backend.getOrLock('acl:absent', 't2', 5_000)).toBe('held');
    const watch = await watchCommands();
    expect(await backend.getOrLock('acl:other', 't3', 5_000)).toBe('acquired');
    await settleMonitor();
    watch.stop();
    expect(watch.calls()).toEqual({ get: 1, set: 1 });
  });
});

describe('cache.production miss on Redis', () => {
  it('sends one script that reads and locks, the SET of the value and the release — no separate GET or SET NX', async () => {
    const backend = backendFor();
    let runs = 0;
    const load = cache.production(
      async (id: number) => {
        runs++;
        return { id };
      },
      { backend, namespace: 'production-miss', name: 'load', l1: false },
    );
    await load(0); // loads the scripts
    await load.flush();
    const watch = await watchCommands();

    expect(await load(1)).toEqual({ id: 1 });
    await load.flush();
    // The release goes out once the write landed, after flush() resolved: wait for it.
    for (let round = 0; round < 100 && watch.calls().evalsha !== 2; round++) await new Promise((resolve) => setTimeout(resolve, 10));
    await settleMonitor();
    watch.stop();

    expect(runs).toBe(2);
    const { publish = 0, ...calls } = watch.calls();
    // Read-or-lock and the release; the value's SET (the lock was taken inside the script).
    expect(calls).toEqual({ evalsha: 2, set: 1 });
    // The bus announces the write (gathered with other fills: at most one publish).
    expect(publish).toBeLessThanOrEqual(1);
    expect(await own.raw.keys('*production-miss*:lock')).toEqual([]);
  });
});
