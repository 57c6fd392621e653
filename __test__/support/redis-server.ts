/**
 * Starts real `redis-server` processes on loopback ports for tests, and lets fault tests
 * kill, pause and resume them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A running redis-server owned by a test. */
export interface RedisServerHandle {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** The child process (replaced by `restart()`). */
  process: ChildProcess;
  /** SIGKILL the server (no clean shutdown). */
  kill(): Promise<void>;
  /** SIGSTOP: the server keeps its sockets but answers nothing. */
  pause(): void;
  /** SIGCONT after `pause()`. */
  resume(): void;
  /** Starts the server again on the same port (after `kill()`). */
  restart(): Promise<void>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/** Options for `startRedisServer`. */
export interface StartRedisOptions {
  /** Port to listen on; a free one is chosen when omitted. */
  port?: number;
  /** Extra `redis-server` arguments, e.g. `['--maxmemory', '1mb']`. */
  args?: string[];
  /** Binary to run; `redis-server` by default. */
  binary?: string;
}

/** Returns a TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once `PING` on 127.0.0.1:port answers `PONG` (or `NOAUTH`), or rejects after `timeoutMs`. */
export async function waitForRedis(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      const done = (value: boolean) => {
        socket.destroy();
        resolve(value);
      };
      socket.setTimeout(500, () => done(false));
      socket.on('error', () => done(false));
      socket.on('connect', () => socket.write('PING\r\n'));
      // A server started with --requirepass answers -NOAUTH: it is up, it just wants a password.
      socket.on('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function spawnServer(binary: string, port: number, dir: string, args: string[]): ChildProcess {
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...args],
    { stdio: 'ignore' },
  );
  child.unref();
  return child;
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts a redis-server on a loopback port and waits until it answers. */
export async function startRedisServer(options: StartRedisOptions = {}): Promise<RedisServerHandle> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(path.join(tmpdir(), 'cachekit-redis-'));
  const binary = options.binary ?? 'redis-server';
  const args = options.args ?? [];
  let child = spawnServer(binary, port, dir, args);
  await waitForRedis(port);
  const handle: RedisServerHandle = {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    process: child,
    async kill() {
      child.kill('SIGKILL');
      await waitForExit(child);
    },
    pause() {
      child.kill('SIGSTOP');
    },
    resume() {
      child.kill('SIGCONT');
    },
    async restart() {
      child = spawnServer(binary, port, dir, args);
      handle.process = child;
      await waitForRedis(port);
    },
    async stop() {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await waitForExit(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}
