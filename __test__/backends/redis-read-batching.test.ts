/**
 * RedisBackend gathers concurrent reads into MGETs. Against a redis-server of its own (so the
 * server's command statistics count only this suite's commands): every read gets its own
 * key's value, commands keep their order, a refused MGET turns batching off, and a failed
 * batch fails each read with an error naming its key. `setMany` (the writes of `many()`) goes
 * through the same auto-pipeline, so commands sent after it still land after it.
 */
import { describe, expect, it } from 'vitest';
import { BackendError } from '../../src/errors';
import { MAX_BATCH_KEYS } from '../../src/backends/redis/read-batcher';
import { startRedisServer } from '../support/redis-server';
import { useOwnRedisServer } from '../support/own-redis-server';

const own = useOwnRedisServer();

/** Calls of `command` the server counted since the last CONFIG RESETSTAT (ACL refusals excluded). */
async function calls(command: string): Promise<number> {
  const info = await own.raw.info('commandstats');
  const match = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(info);
  return match === null ? 0 : Number(match[1]);
}

describe('RedisBackend read batching', () => {
  it('sends a lone read as GET and the reads made while it is in flight as MGETs, each answered with its own value', async () => {
    const backend = own.backend();
    const keys = Array.from({ length: 150 }, (_, i) => `batch:${i}`);
    for (let i = 0; i < keys.length; i += 3) await own.raw.set(keys[i]!, `value-${i}`);
    await backend.healthCheck();
    await own.raw.config('RESETSTAT');
    const values = await Promise.all(keys.map((key) => backend.get(key)));
    values.forEach((value, i) => expect(value?.toString() ?? null).toBe(i % 3 === 0 ? `value-${i}` : null));
    expect(await calls('get')).toBe(1);
    expect(await calls('mget')).toBe(Math.ceil((keys.length - 1) / MAX_BATCH_KEYS));
  });

  it('keeps commands in call order: a read before a write sees the old value, a read after it the new one', async () => {
    const backend = own.backend();
    await own.raw.set('order:k', 'old');
    const busy = backend.get('order:other'); // in flight: the reads below are batched
    const before = backend.get('order:k');
    const write = backend.set('order:k', Buffer.from('new'));
    const after = backend.get('order:k');
    const deleted = backend.delete('order:k');
    const gone = backend.get('order:k');
    await Promise.all([busy, write, deleted]);
    expect((await before)?.toString()).toBe('old');
    expect((await after)?.toString()).toBe('new');
    expect(await gone).toBeNull();
  });

  it('answers reads accepted before close()', async () => {
    const backend = own.backend();
    await backend.healthCheck();
    await own.raw.set('close:a', 'a');
    await own.raw.set('close:b', 'b');
    const reads = [backend.get('close:a'), backend.get('close:b'), backend.get('close:a')];
    await backend.close();
    expect((await Promise.all(reads)).map((v) => v?.toString())).toEqual(['a', 'b', 'a']);
  });

  it('turns batching off when the server refuses MGET, and sends the refused reads again one by one', async () => {
    await own.raw.acl('SETUSER', 'default', '-mget');
    const backend = own.backend();
    await own.raw.set('acl:a', 'a');
    await own.raw.set('acl:b', 'b');
    const first = await Promise.all(['acl:a', 'acl:b', 'acl:c', 'acl:a'].map((key) => backend.get(key)));
    expect(first.map((v) => v?.toString() ?? null)).toEqual(['a', 'b', null, 'a']);
    await own.raw.config('RESETSTAT');
    const second = await Promise.all(['acl:b', 'acl:a', 'acl:b'].map((key) => backend.get(key)));
    expect(second.map((v) => v?.toString())).toEqual(['b', 'a', 'b']);
    expect(await calls('get')).toBe(3);
    expect(/^cmdstat_mget:/m.test(await own.raw.info('commandstats'))).toBe(false);
  });

  it('fails each read of a failed batch with a classified BackendError naming its key', async () => {
    const doomed = await startRedisServer();
    try {
      const backend = own.backend({ url: doomed.url });
      await backend.set('fail:a', Buffer.from('a'));
      const keys = ['fail:a', 'fail:b', 'fail:c', 'fail:d'];
      // Frozen first, so no command is answered; then killed, which closes the connection.
      doomed.pause();
      const reads = keys.map((key) => backend.get(key).then(() => undefined, (error: unknown) => error));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await doomed.kill();
      const errors = await Promise.all(reads);
      errors.forEach((error, i) => {
        expect(error).toBeInstanceOf(BackendError);
        expect((error as BackendError).operation).toBe('get');
        expect((error as BackendError).key).toBe(keys[i]);
        expect((error as BackendError).kind).toBe('transient');
      });
    } finally {
      await doomed.stop();
    }
  });

  it('is off with autoPipelining: false (every read is a GET)', async () => {
    const backend = own.backend({ autoPipelining: false });
    await backend.healthCheck();
    await own.raw.config('RESETSTAT');
    await Promise.all(Array.from({ length: 20 }, (_, i) => backend.get(`plain:${i}`)));
    expect(await calls('get')).toBe(20);
    expect(await calls('mget')).toBe(0);
  });
});

describe('RedisBackend setMany through the auto-pipeline', () => {
  const entries = Array.from({ length: 10 }, (_, i) => ({ key: `many:${i}`, value: Buffer.from(`value-${i}`), ttlSeconds: 60 }));

  it('stores every entry with its TTL, and commands sent right after it land after it', async () => {
    const backend = own.backend();
    await backend.healthCheck();
    await own.raw.config('RESETSTAT');
    const written = backend.setMany(entries); // queued for the next event loop turn
    const deleted = backend.delete('many:0'); // sent after: must not overtake the SET
    const read = backend.get('many:1');
    await Promise.all([written, deleted]);
    expect(await own.raw.exists('many:0')).toBe(0);
    expect((await read)?.toString()).toBe('value-1');
    for (const { key, value } of entries.slice(1)) expect((await own.raw.getBuffer(key))?.toString()).toBe(value.toString());
    const ttl = await own.raw.ttl('many:9');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    expect(await calls('set')).toBe(entries.length);
  });

  it('stores every entry with autoPipelining: false too (one explicit pipeline)', async () => {
    const backend = own.backend({ autoPipelining: false });
    await backend.setMany(entries);
    for (const { key, value } of entries) expect((await own.raw.getBuffer(key))?.toString()).toBe(value.toString());
    expect(await own.raw.ttl('many:0')).toBeGreaterThan(0);
  });
});
