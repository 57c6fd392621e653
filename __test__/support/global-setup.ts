/**
 * Starts the shared redis-server for the whole test run. Tests read its URL with
 * `inject('redisUrl')`. Tests share it, so each must use its own key namespace and never
 * FLUSHALL; a test that needs to break Redis starts its own with `startRedisServer()`.
 */
import type { TestProject } from 'vitest/node';
import { startRedisServer, type RedisServerHandle } from './redis-server';

let server: RedisServerHandle | undefined;

export async function setup(project: TestProject): Promise<void> {
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
