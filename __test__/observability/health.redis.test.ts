/**
 * Health levels against real redis-servers: `checkHealth({ level })` over every cache of the
 * process and `f.checkHealth({ level })` for one, answering healthy, degraded or unhealthy with
 * the reason per component. Servers that must fail or freeze are this file's own.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cache, checkHealth, ConfigurationError, RedisBackend, type HealthComponent, type HealthReport } from '../../src';
import { functionKey, tenantScopedKey } from '../../src/keys';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server';

const MODULE = 'health';
const servers: RedisServerHandle[] = [];
const backends: RedisBackend[] = [];
afterAll(async () => {
  for (const backend of backends) await backend.close();
  for (const server of servers) await server.stop();
});

async function redisCache(name: string, options: Record<string, unknown> = {}) {
  const server = await startRedisServer();
  servers.push(server);
  const backend = new RedisBackend({ url: server.url });
  backends.push(backend);
  let runs = 0;
  const f = cache(async (id: number) => ({ id, run: ++runs }), { backend, name, module: MODULE, namespace: name, l1: false, ...options });
  return { f, server, backend };
}

/**
 * Waits until `f`'s invalidation bus has subscribed (its first call starts it, and a bus that is
 * still connecting is rightly reported as degraded), for at most 10 s.
 */
async function busConnected(f: { getHealthStatus(): { invalidation: { connected: boolean } | null } }): Promise<void> {
  for (let i = 0; i < 500 && f.getHealthStatus().invalidation?.connected !== true; i++) await new Promise((resolve) => setTimeout(resolve, 20));
}

const component = (report: HealthReport, name: string): HealthComponent | undefined => report.components.find((c) => c.name === name);
const kinds = (report: HealthReport) => [...new Set(report.components.map((c) => c.kind))].sort();

describe('health levels', () => {
  // Runs first: later tests leave broken backends behind in this process.
  it('a working Redis: ping checks the backend, basic adds breaker, backpressure, L1 and the invalidation bus, full adds each cache', async () => {
    const { f } = await redisCache('working', { l1: true });
    await f(1);
    await f.flush();
    await busConnected(f);
    const ping = await checkHealth({ level: 'ping' });
    expect(ping).toMatchObject({ status: 'healthy', healthy: true, level: 'ping' });
    expect(kinds(ping)).toEqual(['backend']);
    const backend = ping.components.find((c) => c.kind === 'backend')!;
    expect(backend.status).toBe('healthy');
    expect(backend.details.latencyMs).toEqual(expect.any(Number));
    expect(new Date(ping.timestamp).toISOString()).toBe(ping.timestamp);

    const basic = await checkHealth({ level: 'basic' });
    expect(basic.status).toBe('healthy');
    expect(kinds(basic)).toEqual(['backend', 'backpressure', 'breaker', 'bus', 'l1']);
    expect(component(basic, 'bus:cachekit:l1')).toMatchObject({ status: 'healthy', details: { connected: true } });
    expect(component(basic, 'breaker:redis/working')).toMatchObject({ status: 'healthy', details: { state: 'closed', reachable: true } });

    const full = await checkHealth({ level: 'full' });
    expect(kinds(full)).toEqual(['backend', 'backpressure', 'breaker', 'bus', 'cache', 'l1']);
    expect(component(full, `cache:${MODULE}.working`)).toMatchObject({ status: 'healthy', details: { misses: 1 } });
    // No level: basic.
    expect((await checkHealth()).level).toBe('basic');
  });

  it('f.checkHealth({ level }) reports the function’s own components, and keeps its snapshot fields', async () => {
    const { f } = await redisCache('own', { l1: true });
    await f(1);
    await busConnected(f);
    const report = await f.checkHealth({ level: 'full' });
    expect(report).toMatchObject({ status: 'healthy', healthy: true, level: 'full', cache: `${MODULE}.own`, backendCheck: { ok: true } });
    expect(report.components.map((c) => c.name).sort()).toEqual(['backend:redis', 'backpressure:redis', `breaker:redis/own`, 'bus:cachekit:l1', `cache:${MODULE}.own`, 'l1:shared']);
  });

  it('a problem logged within the last minute makes the cache degraded at level full, with the message as the reason', async () => {
    const { f, server } = await redisCache('damaged');
    const { Redis } = await import('ioredis');
    const raw = new Redis(server.url);
    await raw.set(tenantScopedKey('default', functionKey({ namespace: 'damaged', module: MODULE, name: 'damaged', args: [1] })), 'garbage');
    raw.disconnect();
    await f(1);
    const report = await f.checkHealth({ level: 'full' });
    expect(report.status).toBe('degraded');
    expect(report.healthy).toBe(true);
    const own = component(report, `cache:${MODULE}.damaged`)!;
    expect(own.status).toBe('degraded');
    expect(own.message).toMatch(/failed its integrity check/);
    expect(own.details.integrityFailures).toMatchObject({ envelope: 1 });
    // Basic does not look at logged problems.
    expect((await f.checkHealth({ level: 'basic' })).status).toBe('healthy');
  });

  it('a dead Redis: the ping and the open breaker are unhealthy, with why', async () => {
    const { f, server } = await redisCache('dead', { reliability: { circuitBreaker: { failureThreshold: 3, recoveryTimeoutMs: 60_000 } } });
    await f(0);
    await server.kill();
    for (let i = 1; i <= 10; i++) await f(i);
    const report = await f.checkHealth({ level: 'basic' });
    expect(report).toMatchObject({ status: 'unhealthy', healthy: false });
    expect(component(report, 'backend:redis')!.status).toBe('unhealthy');
    const breaker = component(report, 'breaker:redis/dead')!;
    expect(breaker).toMatchObject({ status: 'unhealthy', details: { state: 'open', reachable: false } });
    expect(breaker.message).toMatch(/open/);
    const full = await f.checkHealth({ level: 'full' });
    expect(component(full, 'breaker:redis/dead')!.details.lastFailure).toMatchObject({ message: expect.any(String), category: expect.any(String) });
    // The process-wide check sees it too.
    expect((await checkHealth({ level: 'basic' })).status).toBe('unhealthy');
  });

  it('a frozen Redis with calls queued past 80 % of the queue: backpressure degraded, the ping unhealthy', async () => {
    const { f, server } = await redisCache('frozen', { reliability: { backpressure: { maxConcurrent: 1, queueSize: 5 }, circuitBreaker: false } });
    await f(0);
    server.pause();
    const calls = Array.from({ length: 6 }, (_, i) => f(100 + i));
    const report = await f.checkHealth({ level: 'basic' });
    server.resume();
    await Promise.all(calls);
    expect(component(report, 'backpressure:redis')).toMatchObject({ status: 'degraded', details: { queued: 5, queueSize: 5 } });
    expect(component(report, 'backend:redis')!.status).toBe('unhealthy');
  });

  it('an unknown level is refused with the fix', async () => {
    await expect(checkHealth({ level: 'deep' as never })).rejects.toThrow(ConfigurationError);
    await expect(checkHealth({ level: 'deep' as never })).rejects.toThrow(/level.*"deep".*'ping', 'basic' or 'full'/);
  });
});
