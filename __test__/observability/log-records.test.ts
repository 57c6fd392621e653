/**
 * What a log record carries: the correlation id the app set for the request (on
 * AsyncLocalStorage), and no cache key unless the app opted in. Records come from a real
 * refused entry: bytes planted in the suite's redis-server under the key a call reads.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cache, currentCorrelationId, runWithCorrelationId, setLogOptions } from '../../src';
import { functionKey, tenantScopedKey } from '../../src/keys';
import { recordingLogger } from '../support/recording-logger';
import { useRedisAndBackend } from '../support/redis-and-backend';

const MODULE = 'log-records';
const store = useRedisAndBackend();

afterEach(() => setLogOptions({ includeKeys: false }));

let instances = 0;
/** A cache whose `f(1)` entry holds garbage, and its logger. */
async function cacheWithGarbageEntry() {
  const name = `garbage${++instances}_${process.pid}`;
  const logger = recordingLogger();
  const f = cache(async (id: number) => ({ id }), { backend: store.backend, l1: false, name, module: MODULE, logger });
  const storedKey = tenantScopedKey('default', functionKey({ module: MODULE, name, args: [1] }));
  await store.redis.set(storedKey, Buffer.from('not an envelope'));
  const refusals = () => logger.records.filter((r) => r.message.includes('failed its integrity check'));
  return { f, storedKey, refusals };
}

describe('log records', () => {
  it('a refused entry is logged without its cache key by default', async () => {
    const { f, storedKey, refusals } = await cacheWithGarbageEntry();
    expect(await f(1)).toEqual({ id: 1 });
    expect(refusals()).toHaveLength(1);
    const text = JSON.stringify(refusals()[0]);
    // Neither the key nor the hash of the arguments that identifies the entry.
    expect(text).not.toContain(storedKey.slice(storedKey.indexOf('args:')));
    expect(text).not.toContain('args:');
    expect(refusals()[0]!.fields).not.toHaveProperty('key');
  });

  it('with setLogOptions({ includeKeys: true }) the record names the whole stored key', async () => {
    setLogOptions({ includeKeys: true });
    const { f, storedKey, refusals } = await cacheWithGarbageEntry();
    await f(1);
    expect(refusals()[0]!.fields.key).toBe(storedKey);
  });

  it('a record written during a call carries the correlation id set with runWithCorrelationId', async () => {
    const { f, refusals } = await cacheWithGarbageEntry();
    await runWithCorrelationId('req-7f3a', async () => {
      expect(currentCorrelationId()).toBe('req-7f3a');
      await f(1);
    });
    expect(refusals()).toHaveLength(1);
    expect(refusals()[0]!.fields.correlationId).toBe('req-7f3a');
  });

  it('outside runWithCorrelationId a record has no correlation id', async () => {
    const { f, refusals } = await cacheWithGarbageEntry();
    expect(currentCorrelationId()).toBeUndefined();
    await f(1);
    expect(refusals()[0]!.fields).not.toHaveProperty('correlationId');
  });

  it('runWithCorrelationId refuses an empty or non-string id with the fix', () => {
    expect(() => runWithCorrelationId('', () => 1)).toThrow(/runWithCorrelationId.*non-empty string/);
    expect(() => runWithCorrelationId(42 as unknown as string, () => 1)).toThrow(/got 42/);
  });
});
