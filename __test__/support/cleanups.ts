/**
 * Per-test clean-up: what a test starts (servers, backends, paused processes) is registered as it
 * is started and undone after the test, last first, whether the test passed or not.
 */
import { afterEach } from 'vitest';
import { startRedisServer, type RedisServerHandle } from './redis-server';

/** Registers an `afterEach` that runs every deferred task, newest first; returns `defer`. */
export function useCleanups(): (task: () => Promise<unknown> | unknown) => void {
  const tasks: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    while (tasks.length > 0) await tasks.pop()!();
  });
  return (task) => void tasks.push(task);
}

/** A redis-server (extra `args` for its command line) stopped after the current test. */
export async function redisServerForTest(
  defer: ReturnType<typeof useCleanups>,
  args: string[] = [],
): Promise<RedisServerHandle> {
  const handle = await startRedisServer({ args });
  defer(() => handle.stop());
  return handle;
}
