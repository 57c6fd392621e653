/**
 * The Redis backend against servers that die, freeze, refuse, or reject: every call must end
 * with a classified BackendError instead of hanging, and the backend must recover.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { BackendError, type BackendErrorKind } from '../../src/errors';
import { RedisBackend } from '../../src/backends/redis/backend';
import { redisServerForTest, useCleanups } from '../support/cleanups';
import { freePort, type RedisServerHandle } from '../support/redis-server';

const defer = useCleanups();
const server = (args: string[] = []): Promise<RedisServerHandle> => redisServerForTest(defer, args);

function backendFor(options: ConstructorParameters<typeof RedisBackend>[0]): RedisBackend {
  const backend = new RedisBackend(options);
  defer(() => backend.close());
  return backend;
}

async function failure(promise: Promise<unknown>): Promise<BackendError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BackendError);
  return err as BackendError;
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const key = () => `ck-test:faults:${randomBytes(4).toString('hex')}`;

describe('RedisBackend when Redis dies or freezes', () => {
  it('fails calls to a killed server as transient without waiting for the deadline, then recovers after restart', async () => {
    const redis = await server();
    const backend = backendFor({ url: redis.url });
    const k = key();
    await backend.set(k, Buffer.from('v'));
    await redis.kill();
    // The backend holds no deadline of its own: every call ending, as `transient`, proves
    // nothing waited for one.
    const kinds = new Set<BackendErrorKind>();
    for (let round = 0; round < 5; round++) {
      const errors = await Promise.all(Array.from({ length: 50 }, () => failure(backend.get(k))));
      for (const err of errors) kinds.add(err.kind);
    }
    expect([...kinds]).toEqual(['transient']);
    await redis.restart();
    await eventually(async () => (await backend.set(k, Buffer.from('back'))) === undefined, 'reconnect');
    expect(await backend.get(k)).toEqual(Buffer.from('back'));
  });

  it('ends a call to a frozen (SIGSTOPped) server when its signal aborts, with a timeout error', async () => {
    const redis = await server();
    const backend = backendFor({ url: redis.url });
    const k = key();
    await backend.set(k, Buffer.from('v'));
    redis.pause();
    try {
      const err = await failure(backend.get(k, { signal: AbortSignal.timeout(200) }));
      expect(err.kind).toBe('timeout');
      expect(err.message).toContain('get aborted');
      expect(err.operation).toBe('get');
    } finally {
      redis.resume();
    }
    await eventually(async () => (await backend.get(k))?.toString() === 'v', 'recovery after SIGCONT');
  });

  it('drops the connection to a server frozen beyond socketTimeoutMs and then fails calls fast', async () => {
    const redis = await server();
    const backend = backendFor({ url: redis.url, socketTimeoutMs: 300 });
    const k = key();
    await backend.set(k, Buffer.from('v'));
    redis.pause();
    try {
      // The pending GET (no deadline of its own) is rejected when the idle socket is dropped,
      // and the re-dial to the frozen server times out as well.
      const first = await failure(backend.get(k));
      expect(first.kind).not.toBe('unknown');
      await eventually(async () => {
        const err = await failure(backend.get(k));
        return err.message.includes('failed fast');
      }, 'fast failure while frozen');
    } finally {
      redis.resume();
    }
    await eventually(async () => (await backend.get(k))?.toString() === 'v', 'recovery after SIGCONT');
  });

  it('ends the first call to a server frozen before the first connection when its signal aborts', async () => {
    const redis = await server();
    redis.pause();
    defer(async () => redis.resume());
    const backend = backendFor({ url: redis.url });
    const err = await failure(backend.get(key(), { signal: AbortSignal.timeout(200) }));
    expect(err.kind).toBe('timeout');
  });

  it('fails fast as transient when nothing listens on the port', async () => {
    const port = await freePort();
    const backend = backendFor({ url: `redis://127.0.0.1:${port}` });
    const err = await failure(backend.get(key()));
    expect(err.kind).toBe('transient');
    const health = await backend.healthCheck();
    expect(health.ok).toBe(false);
    expect(health.latencyMs).toBe(-1);
    expect(health.details.errorKind).toBe('transient');
  });

  it('a closed backend quits its own connection even when the server is frozen', async () => {
    const redis = await server();
    const backend = new RedisBackend({ url: redis.url });
    await backend.set(key(), Buffer.from('v'));
    redis.pause();
    try {
      await backend.close();
      expect(backend.client.status).toBe('end');
    } finally {
      redis.resume();
    }
  });
});

describe('RedisBackend error classification against real servers', () => {
  it('classifies a missing password (NOAUTH) as authentication', async () => {
    const redis = await server(['--requirepass', 'sesame']);
    const backend = backendFor({ url: redis.url });
    const err = await failure(backend.get(key()));
    expect(err.kind).toBe('authentication');
  });

  it('classifies a wrong password (WRONGPASS) as authentication, also on fast failures afterwards', async () => {
    const redis = await server(['--requirepass', 'sesame']);
    const backend = backendFor({ url: `redis://:wrong@127.0.0.1:${redis.port}` });
    for (let i = 0; i < 5; i++) {
      const err = await failure(backend.get(key()));
      expect(err.kind).toBe('authentication');
    }
  });

  it('connects with the password from the URL, and an explicit password option wins over it', async () => {
    const redis = await server(['--requirepass', 'sesame']);
    const fromUrl = backendFor({ url: `redis://:sesame@127.0.0.1:${redis.port}` });
    await fromUrl.set(key(), Buffer.from('v'));
    const overridden = backendFor({ url: `redis://:wrong@127.0.0.1:${redis.port}`, password: 'sesame' });
    await overridden.set(key(), Buffer.from('v'));
  });

  it('classifies OOM (maxmemory reached under noeviction) as permanent, while reads keep working', async () => {
    const redis = await server(['--maxmemory', '2mb', '--maxmemory-policy', 'noeviction']);
    const backend = backendFor({ url: redis.url });
    const small = key();
    await backend.set(small, Buffer.from('kept'));
    let err: BackendError | undefined;
    for (let i = 0; i < 20 && err === undefined; i++) {
      err = await backend.set(key(), randomBytes(512 * 1024)).then(
        () => undefined,
        (e: BackendError) => e,
      );
    }
    expect(err?.message).toContain('OOM');
    expect(err?.kind).toBe('permanent');
    expect(await backend.get(small)).toEqual(Buffer.from('kept'));
  });

  it('classifies a write to a replica (READONLY) as transient', async () => {
    const master = await server();
    const replica = await server(['--replicaof', '127.0.0.1', String(master.port)]);
    const backend = backendFor({ url: replica.url });
    const err = await failure(backend.set(key(), Buffer.from('v')));
    expect(err.message).toContain('READONLY');
    expect(err.kind).toBe('transient');
  });

  it('classifies CLUSTERDOWN from a cluster node without slots as transient', async () => {
    const node = await server(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf']);
    const backend = backendFor({ url: node.url });
    const err = await failure(backend.get(key()));
    expect(err.message).toContain('CLUSTERDOWN');
    expect(err.kind).toBe('transient');
  });
});

describe('RedisBackend connection forms', () => {
  it('connects over a Unix socket given as unix:// URL or as a bare path', async () => {
    const redis = await server(['--unixsocket', 'redis.sock', '--unixsocketperm', '700']);
    const socket = `${redis.dir}/redis.sock`;
    for (const url of [`unix://${socket}`, socket]) {
      const backend = backendFor({ url });
      const k = key();
      await backend.set(k, Buffer.from(url));
      expect(await backend.get(k)).toEqual(Buffer.from(url));
    }
  });

  it('selects the database from the URL path', async () => {
    const redis = await server();
    const backend = backendFor({ url: `${redis.url}/3` });
    const k = key();
    await backend.set(k, Buffer.from('in-db-3'));
    const raw = new Redis(redis.port, '127.0.0.1', { db: 3 });
    defer(async () => void raw.disconnect());
    expect(await raw.get(k)).toBe('in-db-3');
  });
});
