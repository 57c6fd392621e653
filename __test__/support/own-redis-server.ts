/**
 * For suites that need a redis-server of their own (its command statistics, ACL users or
 * MONITOR output then belong to the suite alone): started before the file's tests with a raw
 * ioredis client on it, both stopped after them. After each test, the backends made through it
 * are closed, then every key is dropped and the default user gets back every command.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { RedisBackend } from '../../src/backends/redis/backend';
import type { RedisBackendOptions } from '../../src/backends/redis/options';
import { startRedisServer, type RedisServerHandle } from './redis-server';

/** The server and the raw client (set once the file's `beforeAll` ran). */
export interface OwnRedisServer {
  server: RedisServerHandle;
  raw: Redis;
  /** FLUSHALL, and the default user allowed every command again (done after each test). */
  reset(): Promise<void>;
  /** A RedisBackend on the server (more `options` beside its URL), closed after the test. */
  backend(options?: Partial<RedisBackendOptions>): RedisBackend;
  /** Closes `backend` after the test (for backends built otherwise, e.g. a subclass); returns it. */
  closeAfterTest<T extends { close(): Promise<void> }>(backend: T): T;
}

/** Registers the hooks that start and stop the server; call at the top level of a test file. */
export function useOwnRedisServer(): OwnRedisServer {
  const open: Array<{ close(): Promise<void> }> = [];
  const own = {
    async reset() {
      await own.raw.acl('SETUSER', 'default', '+@all');
      await own.raw.flushall();
    },
    backend(options = {}) {
      return own.closeAfterTest(new RedisBackend({ url: own.server.url, ...options }));
    },
    closeAfterTest(backend) {
      open.push(backend);
      return backend;
    },
  } as OwnRedisServer;
  afterEach(async () => {
    while (open.length > 0) await open.pop()!.close();
    await own.reset();
  });
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
