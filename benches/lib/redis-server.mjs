// A redis-server for benchmarks: REDIS_URL when set, otherwise a throw-away server on a free
// loopback port (no persistence), stopped by `stop()`.
import { spawn } from 'node:child_process';
import net from 'node:net';
import Redis from 'ioredis';
import { RedisBackend } from 'cachekit';

async function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts (or reuses, via REDIS_URL) a Redis for a benchmark: `{ url, stop }`. */
export async function startBenchRedis() {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {} };
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => 50 });
  probe.on('error', () => {}); // refused until the server is up; connect() reports it
  for (let i = 0; i < 100; i++) {
    try {
      await probe.connect();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  probe.disconnect();
  return { url: `redis://127.0.0.1:${port}`, stop: async () => void child.kill('SIGKILL') };
}

/**
 * A benchmark's Redis (see `startBenchRedis`) and a RedisBackend on it. `finish()` closes both
 * and ends the process, so no handle a bench left open keeps it running.
 */
export async function startBenchBackend() {
  const redis = await startBenchRedis();
  const backend = new RedisBackend({ url: redis.url });
  const finish = async () => {
    await backend.close();
    await redis.stop();
    process.exit(0);
  };
  return { backend, finish };
}
