/**
 * `fn.many()` against a real redis-server, watched with MONITOR (commands of other test files
 * are told apart by this test's namespace): the misses of 100 calls are read with one MGET, never
 * with single GETs, and the computed values are written by one pipeline of SETs.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { cache } from '../../src';
import { monitorCommands } from '../support/monitor-commands';
import { useRedisAndBackend } from '../support/redis-and-backend';

const pair = useRedisAndBackend();

describe('many() on Redis', () => {
  it('reads the misses of 100 calls with one MGET and writes the new values in one pipeline of SETs', async () => {
    const namespace = `many-${randomBytes(3).toString('hex')}`;
    let runs = 0;
    const load = async (id: number) => {
      runs++;
      return { id };
    };
    // No bus: a reconnect of its subscriber (a ping missed on a loaded machine) drops L1, which
    // would turn some of the 90 L1 hits into L2 reads; this test is about the commands of many().
    const get = cache(load, { backend: pair.backend, namespace, name: 'load', invalidation: false });
    const args = Array.from({ length: 100 }, (_, i) => [i] as [number]);
    await get.many(args.slice(0, 90)); // 90 in L1 and L2
    await get.flush();
    runs = 0;

    const watch = await monitorCommands(inject('redisUrl'), ({ args }) => args.some((arg) => arg.includes(namespace)));
    const results = await get.many(args);
    await get.flush();
    // MONITOR reports after execution: wait until the ten SETs (the last commands) were seen.
    for (let round = 0; round < 100 && watch.commands.filter(({ args: [name] }) => name?.toLowerCase() === 'set').length < 10; round++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    watch.stop();

    expect(results.map((r) => r.id)).toEqual(args.map(([id]) => id));
    expect(runs).toBe(10);
    const names = watch.commands.map(({ args: [name] }) => name?.toLowerCase());
    expect(names.filter((name) => name === 'mget')).toHaveLength(1);
    expect(names.filter((name) => name === 'get')).toHaveLength(0);
    expect(names.filter((name) => name === 'set')).toHaveLength(10);
    const mget = watch.commands.find(({ args: [name] }) => name?.toLowerCase() === 'mget')?.args as string[];
    expect(mget).toHaveLength(11); // MGET and the ten missing keys
    expect(get.cacheInfo()).toMatchObject({ l1Hits: 90, misses: 100 });
  });
});
