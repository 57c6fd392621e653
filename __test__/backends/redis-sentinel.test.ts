/**
 * The Redis backend through a real Sentinel (master + replica + one sentinel) started by this
 * suite: the backend asks the sentinel for the master and works against it.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackendConformance } from '../../src/backends/conformance';
import { RedisBackend } from '../../src/backends/redis/backend';
import { startRedisSentinel, type RedisSentinelHandle } from '../support/redis-sentinel';

let deployment: RedisSentinelHandle;
beforeAll(async () => {
  deployment = await startRedisSentinel();
}, 60_000);
afterAll(async () => {
  await deployment?.stop();
});

const sentinelOptions = () => ({
  sentinel: { sentinels: [{ host: '127.0.0.1', port: deployment.sentinelPort }], name: deployment.masterName },
});

runBackendConformance('redis (sentinel)', () => new RedisBackend(sentinelOptions()), { describe, it, beforeAll, afterAll }, {
  capabilities: { ttl: true, locks: true, batch: true, clearPrefix: true },
});

describe('RedisBackend through Sentinel', () => {
  it('writes to the master the sentinel names, and the write reaches the replica', async () => {
    const backend = new RedisBackend(sentinelOptions());
    const key = `ck-test:sentinel:${randomBytes(4).toString('hex')}`;
    const master = new Redis(deployment.master.port, '127.0.0.1');
    const replica = new Redis(deployment.replica.port, '127.0.0.1');
    try {
      await backend.set(key, Buffer.from('via-sentinel'));
      expect(await master.get(key)).toBe('via-sentinel');
      const deadline = Date.now() + 10_000;
      while ((await replica.get(key)) !== 'via-sentinel' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await replica.get(key)).toBe('via-sentinel');
      const health = await backend.healthCheck();
      expect(health.ok).toBe(true);
      expect(health.details).toMatchObject({ mode: 'sentinel', role: 'master' });
    } finally {
      await backend.close();
      master.disconnect();
      replica.disconnect();
    }
  });

  it('rejects a configuration that names no master', () => {
    expect(
      () => new RedisBackend({ sentinel: { sentinels: [{ host: '127.0.0.1', port: deployment.sentinelPort }], name: '' } }),
    ).toThrow(/sentinel\.name/);
  });
});
