/**
 * `RedisBackend.together`: the commands started inside it leave in one socket write (a read and
 * the lock asked with it), without overtaking commands already waiting in the auto-pipeline;
 * before the connection is ready it just runs. Against a redis-server of this file's own, the
 * writes read off the backend's live socket.
 */
import { describe, expect, it } from 'vitest';
import { useOwnRedisServer } from '../support/own-redis-server';
import { commandsIn, recordSocketWrites } from '../support/socket-writes';

const own = useOwnRedisServer();

describe('RedisBackend.together', () => {
  it('sends a read and a lock request started inside it in one write, each answered', async () => {
    const backend = own.backend();
    await backend.healthCheck();
    await own.raw.set('together:k', 'value');
    const writes = recordSocketWrites(backend);
    const [read, lock] = backend.together(() => [backend.get('together:k'), backend.acquireLock('together:k', 'token-1', 5_000)] as const);
    expect((await read)?.toString()).toBe('value');
    expect(await lock).toBe(true);
    expect(writes.map(commandsIn)).toEqual([['get', 'set']]);
    expect(await own.raw.get('together:k:lock')).toBe('token-1');
  });

  it('without it, the lock request sent while the read is in flight leaves in a write of its own', async () => {
    const backend = own.backend();
    await backend.healthCheck();
    const writes = recordSocketWrites(backend);
    const read = backend.get('apart:k');
    const lock = backend.acquireLock('apart:k', 'token-2', 5_000);
    await Promise.all([read, lock]);
    expect(writes.map(commandsIn)).toEqual([['get'], ['set']]);
  });

  it('does not let its commands overtake a command waiting in the auto-pipeline', async () => {
    const backend = own.backend();
    await backend.healthCheck();
    const first = backend.set('order:k', Buffer.from('first')); // nothing in flight: written at once
    const second = backend.set('order:k', Buffer.from('second')); // in flight: waits in the auto-pipeline
    const third = backend.together(() => backend.set('order:k', Buffer.from('third')));
    await Promise.all([first, second, third]);
    expect(await own.raw.get('order:k')).toBe('third');
  });

  it('just runs its function before the connection is ready; the commands go out once it is', async () => {
    const backend = own.backend(); // still connecting
    expect(backend.client.status).not.toBe('ready');
    await own.raw.set('early:k', 'there');
    const read = backend.together(() => backend.get('early:k'));
    expect((await read)?.toString()).toBe('there');
  });
});
