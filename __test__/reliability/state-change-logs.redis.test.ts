/**
 * Outages and misuse are visible in the logs: a wrong Redis password, an unreachable host, the
 * breaker opening and closing, backpressure saturation — each logged once per change of state
 * at warn or error, with the backend and the reason, never once per call. Real redis-servers.
 */
import { describe, expect, it } from 'vitest';
import { cache, RedisBackend } from '../../src';
import { redisServerForTest, useCleanups } from '../support/cleanups';
import { recordingLogger, type LogRecord } from '../support/recording-logger';
import { freePort, type RedisServerHandle } from '../support/redis-server';

const loud = (records: readonly LogRecord[]) => records.filter((r) => r.level === 'warn' || r.level === 'error');
const mentioning = (records: readonly LogRecord[], pattern: RegExp) => records.filter((r) => pattern.test(`${r.message} ${JSON.stringify(r.fields)}`));

const defer = useCleanups();
const server = (args: string[] = []): Promise<RedisServerHandle> => redisServerForTest(defer, args);

/** Each test wraps its own function, so each gets a name of its own (one function per identity). */
let instances = 0;
function cachedOn(url: string, options: Record<string, unknown> = {}) {
  const logger = recordingLogger();
  const backend = new RedisBackend({ url });
  defer(() => backend.close());
  let runs = 0;
  const fn = cache(async (id: number) => ({ id, run: ++runs }), { backend, logger, l1: false, name: `stateLogs${++instances}`, module: 'logs', ...options });
  return { fn, logger };
}

async function callsInSequence(fn: (id: number) => Promise<unknown>, count: number, from = 0): Promise<void> {
  for (let i = 0; i < count; i++) await fn(from + i);
}

describe('backend state changes are logged once per change', () => {
  it('a wrong Redis password: one error record naming the backend and the authentication failure, however many calls', async () => {
    const redis = await server(['--requirepass', 'right-password']);
    const { fn, logger } = cachedOn(`redis://:wrong-password@127.0.0.1:${redis.port}`);
    await callsInSequence(fn, 20);
    const auth = mentioning(loud(logger.records), /auth|WRONGPASS|NOAUTH/i);
    expect(auth).toHaveLength(1);
    expect(auth[0]!.level).toBe('error');
    expect(auth[0]!.fields).toMatchObject({ backend: 'redis' });
    const before = loud(logger.records).length;
    await callsInSequence(fn, 40, 100);
    expect(loud(logger.records).length).toBe(before);
    expect(JSON.stringify(logger.records)).not.toContain('wrong-password');
  });

  it('an unreachable host: one error record, however many calls', async () => {
    const port = await freePort(); // nothing listens there
    const { fn, logger } = cachedOn(`redis://127.0.0.1:${port}`);
    await callsInSequence(fn, 20);
    const down = mentioning(loud(logger.records), /unreachable/i);
    expect(down).toHaveLength(1);
    expect(down[0]!.level).toBe('error');
    const before = loud(logger.records).length;
    await callsInSequence(fn, 40, 100);
    expect(loud(logger.records).length).toBe(before);
  });

  it('the breaker opening and closing: one record each, the opening at error', async () => {
    const redis = await server();
    const { fn, logger } = cachedOn(redis.url);
    await callsInSequence(fn, 30); // the adaptive timeout learns this Redis
    redis.pause();
    try {
      await callsInSequence(fn, 20, 100);
    } finally {
      redis.resume();
    }
    expect(mentioning(loud(logger.records), /breaker opened/i).map((r) => r.level)).toEqual(['error']);
    // Past the breaker's recovery time its probes succeed and it closes.
    for (let i = 0; i < 200 && mentioning(loud(logger.records), /breaker closed/i).length === 0; i++) {
      await fn(1_000 + i);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(mentioning(loud(logger.records), /breaker closed/i)).toHaveLength(1);
    expect(mentioning(loud(logger.records), /breaker opened/i)).toHaveLength(1);
  });

  it('backpressure saturation: one warning when calls start being turned away, one when it clears', async () => {
    const redis = await server();
    const { fn, logger } = cachedOn(redis.url, {
      reliability: { circuitBreaker: false, backpressure: { maxConcurrent: 2, queueSize: 2, queueTimeoutMs: 1_000 } },
    });
    await callsInSequence(fn, 10);
    redis.pause();
    try {
      await Promise.all(Array.from({ length: 50 }, (_, i) => fn(200 + i)));
    } finally {
      redis.resume();
    }
    expect(mentioning(loud(logger.records), /saturated/i)).toHaveLength(1);
    // Calls until it clears: on a loaded machine the operations stuck in the pause can hold the
    // slots (and the queue) for a while after the resume, so a fixed number of calls may end first.
    for (let i = 0; i < 500 && mentioning(loud(logger.records), /no longer saturated/i).length === 0; i++) {
      await fn(500 + i);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const saturation = mentioning(loud(logger.records), /saturat/i);
    expect(saturation).toHaveLength(2);
    expect(saturation[1]!.message).toMatch(/no longer saturated/i);
  });
});

describe('per-call warnings', () => {
  it('a warning that repeats on every call is written once per function, with the repeats counted', async () => {
    const logger = recordingLogger();
    const unserializable = (name: string) =>
      cache(async (id: number) => ({ id, callback: () => id }), { backend: null, logger, name, module: 'logs' });
    const first = unserializable('first');
    const second = unserializable('second');
    for (let i = 0; i < 50; i++) await first(i);
    for (let i = 0; i < 50; i++) await second(i);
    const records = mentioning(logger.records, /could not be serialized/);
    expect(records.map((r) => r.fields.cache)).toEqual(['logs.first', 'logs.second']);
    // Every event is still counted where operators look.
    expect(first.getHealthStatus().counters.encodeErrors).toBe(50);
  });
});
