/**
 * Starts the shared redis-server for the whole test run. Tests read its URL with
 * `inject('redisUrl')`. Tests share it, so each must use its own key namespace and never
 * FLUSHALL; a test that needs to break Redis starts its own with `startRedisServer()`.
 */
import type { TestProject } from 'vitest/node';
import { startRedisServer, type RedisServerHandle } from './redis-server';

let server: RedisServerHandle | undefined;

export async function setup(project: TestProject): Promise<void> {
  // The platform jobs of the release workflow (macOS, Windows) run only the suites that need
  // no Redis; everything else runs on Linux, where redis-server is installed.
  if (process.env.CACHEKIT_SKIP_REDIS_SUITES === '1') {
    project.provide('redisUrl', '');
    return;
  }
  server = await startRedisServer();
  project.provide('redisUrl', server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
