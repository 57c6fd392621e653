/**
 * For suites that need a redis-server of their own (its command statistics, ACL users or
 * MONITOR output then belong to the suite alone): started before the file's tests with a raw
 * ioredis client on it, both stopped after them. Between tests, `reset()` drops every key and
 * gives the default user back every command.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { startRedisServer, type RedisServerHandle } from './redis-server';

/** The server and the raw client (set once the file's `beforeAll` ran). */
export interface OwnRedisServer {
  server: RedisServerHandle;
  raw: Redis;
  /** FLUSHALL, and the default user allowed every command again. */
  reset(): Promise<void>;
}

/** Registers the hooks that start and stop the server; call at the top level of a test file. */
export function useOwnRedisServer(): OwnRedisServer {
  const own = {
    async reset() {
      await own.raw.acl('SETUSER', 'default', '+@all');
      await own.raw.flushall();
    },
  } as OwnRedisServer;
  beforeAll(async () => {
    own.server = await startRedisServer();
    own.raw = new Redis(own.server.url);
  });
  afterAll(async () => {
    await own.raw.quit();
    await own.server.stop();
  });
  return own;
}
