/**
 * `healthHandler()` answering real HTTP requests in node:http, Express and Fastify: a JSON body
 * with the report, 200 while nothing is unhealthy and 503 once the cache's Redis is dead (a
 * redis-server of this file, killed).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { cache, healthHandler, RedisBackend } from '../../src';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server';

let redis: RedisServerHandle;
let backend: RedisBackend;
const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers) await close();
  await backend?.close();
  await redis?.stop();
});

/** Starts each framework on a loopback port with `handler` at /health; their base URLs. */
async function servers(handler: ReturnType<typeof healthHandler>): Promise<Record<string, string>> {
  const plain = http.createServer((req, res) => {
    if (req.url === '/health') void handler(req, res);
    else res.writeHead(404).end();
  });
  const app = express();
  app.get('/health', handler);
  const expressServer = http.createServer(app);
  const fastify = Fastify();
  fastify.get('/health', handler);
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  closers.push(() => fastify.close());
  const urls: Record<string, string> = { fastify: `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}` };
  for (const [name, server] of [['node:http', plain], ['express', expressServer]] as const) {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    urls[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  return urls;
}

describe('healthHandler over real HTTP', () => {
  it('node:http, Express and Fastify: 200 with the JSON report, then 503 once Redis is dead', async () => {
    redis = await startRedisServer();
    backend = new RedisBackend({ url: redis.url });
    const f = cache(async (id: number) => id, {
      backend,
      name: 'served',
      module: 'health-handler',
      l1: false,
      reliability: { circuitBreaker: { failureThreshold: 3, recoveryTimeoutMs: 60_000 } },
    });
    await f(1);
    const urls = await servers(healthHandler({ level: 'basic' }));
    for (const [framework, url] of Object.entries(urls)) {
      const response = await fetch(`${url}/health`);
      expect(response.status, framework).toBe(200);
      expect(response.headers.get('content-type'), framework).toMatch(/^application\/json/);
      expect(response.headers.get('cache-control'), framework).toBe('no-store');
      const body = (await response.json()) as { status: string; level: string; components: Array<{ name: string }> };
      expect(body, framework).toMatchObject({ status: 'healthy', healthy: true, level: 'basic' });
      expect(body.components.map((c) => c.name), framework).toContain('breaker:redis/default');
    }

    await redis.kill();
    for (let i = 2; i < 12; i++) await f(i);
    for (const [framework, url] of Object.entries(urls)) {
      const response = await fetch(`${url}/health`);
      expect(response.status, framework).toBe(503);
      const body = (await response.json()) as { status: string; components: Array<{ name: string; status: string; message: string }> };
      expect(body.status, framework).toBe('unhealthy');
      expect(body.components.find((c) => c.name === 'breaker:redis/default'), framework).toMatchObject({ status: 'unhealthy' });
    }
  });

  it('a HEAD request gets the status code without a body', async () => {
    const urls = await servers(healthHandler({ level: 'ping' }));
    const response = await fetch(`${urls['node:http']}/health`, { method: 'HEAD' });
    expect([200, 503]).toContain(response.status);
    expect(await response.text()).toBe('');
  });
});
