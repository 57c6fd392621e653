/**
 * Raw backend throughput: get/set of a 1 KiB Buffer.
 *
 *   node benches/backends.bench.js            starts its own redis-server on a free loopback port
 *   REDIS_URL=redis://127.0.0.1:6379 node benches/backends.bench.js
 *
 * Redis cases run sequentially (one call awaited at a time: latency-bound) and 64 in flight
 * (throughput-bound), for RedisBackend and, in the same process and run, raw ioredis GET/SET
 * with and without auto-pipelining — the baselines the backend's overhead is measured against.
 * File and memory backends are measured sequentially. The TypeScript sources are loaded
 * through tsx, so no build is needed.
 */
'use strict';

const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const Benchmark = require('benchmark');
const { Redis } = require('ioredis');

require('tsx/cjs/api').register();
const { RedisBackend, FileBackend, MemoryBackend } = require('../src/backends/index.ts');

const VALUE = Buffer.alloc(1024, 7);
const IN_FLIGHT = 64;
const MAX_TIME_S = Number(process.env.BENCH_MAX_TIME ?? 3);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForPing(port) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.setTimeout(500, () => (socket.destroy(), resolve(false)));
      socket.on('error', () => resolve(false));
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (d) => (socket.destroy(), resolve(d.toString().startsWith('+PONG'))));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error('redis-server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The same approach as __test__/support/redis-server.ts: a throw-away server on loopback. */
async function startRedis() {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {} };
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cachekit-bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  await waitForPing(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Adds a deferred case; `ops` is how many operations one invocation performs. */
function add(suite, name, ops, fn) {
  suite.add(name, {
    defer: true,
    maxTime: MAX_TIME_S,
    fn: (deferred) => fn().then(() => deferred.resolve(), (err) => {
      console.error(name, err);
      process.exit(1);
    }),
  });
  suite.opsPerCall = suite.opsPerCall ?? new Map();
  suite.opsPerCall.set(name, ops);
}

function run(suite) {
  return new Promise((resolve) => {
    suite.on('cycle', (event) => {
      const b = event.target;
      const ops = suite.opsPerCall.get(b.name);
      const perSecond = b.hz * ops;
      console.log(`${b.name.padEnd(52)} ${Math.round(perSecond).toLocaleString('en-US').padStart(12)} ops/s  ±${b.stats.rme.toFixed(1)}%  (${b.stats.sample.length} runs)`);
      results.set(b.name, perSecond);
    });
    suite.on('complete', resolve);
    suite.run({ async: true });
  });
}

const results = new Map();
const many = (fn) => () => Promise.all(Array.from({ length: IN_FLIGHT }, fn));

async function main() {
  const redis = await startRedis();
  const plain = new Redis(redis.url);
  const piped = new Redis(redis.url, { enableAutoPipelining: true });
  const backend = new RedisBackend({ url: redis.url });
  const fileDir = mkdtempSync(path.join(os.tmpdir(), 'cachekit-bench-file-'));
  const file = new FileBackend({ directory: fileDir });
  const memory = new MemoryBackend();
  const key = 'bench:backends:1k';
  await plain.set(key, VALUE);
  await backend.set(key, VALUE);
  await file.set(key, VALUE);
  await memory.set(key, VALUE);

  console.log(`node ${process.version}, ${os.cpus().length} CPUs, ${os.cpus()[0]?.model ?? ''}; value 1 KiB; Redis ${redis.url.replace(/:[^:@/]*@/, ':***@')}`);

  const suite = new Benchmark.Suite('backends');
  add(suite, 'redis GET  sequential  ioredis', 1, () => plain.getBuffer(key));
  add(suite, 'redis GET  sequential  ioredis auto-pipelining', 1, () => piped.getBuffer(key));
  add(suite, 'redis GET  sequential  RedisBackend', 1, () => backend.get(key));
  add(suite, 'redis SET  sequential  ioredis', 1, () => plain.set(key, VALUE));
  add(suite, 'redis SET  sequential  ioredis auto-pipelining', 1, () => piped.set(key, VALUE));
  add(suite, 'redis SET  sequential  RedisBackend', 1, () => backend.set(key, VALUE));
  add(suite, 'redis GET  64 in flight  ioredis', IN_FLIGHT, many(() => plain.getBuffer(key)));
  add(suite, 'redis GET  64 in flight  ioredis auto-pipelining', IN_FLIGHT, many(() => piped.getBuffer(key)));
  add(suite, 'redis GET  64 in flight  RedisBackend', IN_FLIGHT, many(() => backend.get(key)));
  add(suite, 'redis SET  64 in flight  ioredis', IN_FLIGHT, many(() => plain.set(key, VALUE)));
  add(suite, 'redis SET  64 in flight  ioredis auto-pipelining', IN_FLIGHT, many(() => piped.set(key, VALUE)));
  add(suite, 'redis SET  64 in flight  RedisBackend', IN_FLIGHT, many(() => backend.set(key, VALUE)));
  add(suite, 'file   GET  sequential  FileBackend', 1, () => file.get(key));
  add(suite, 'file   SET  sequential  FileBackend (fsync + rename)', 1, () => file.set(key, VALUE));
  add(suite, 'memory GET  sequential  MemoryBackend', 1, () => memory.get(key));
  add(suite, 'memory SET  sequential  MemoryBackend', 1, () => memory.set(key, VALUE));
  await run(suite);

  const ratio = (a, b) => (results.get(a) / results.get(b)).toFixed(2);
  console.log('\nRedisBackend relative to raw ioredis with auto-pipelining (1.00 = same speed):');
  for (const [op, mode] of [
    ['GET', 'sequential'],
    ['SET', 'sequential'],
    ['GET', '64 in flight'],
    ['SET', '64 in flight'],
  ]) {
    const base = `redis ${op}  ${mode}  ioredis auto-pipelining`;
    console.log(`  ${op} ${mode.padEnd(13)} ${ratio(`redis ${op}  ${mode}  RedisBackend`, base)}  (plain ioredis: ${ratio(`redis ${op}  ${mode}  ioredis`, base)})`);
  }

  await backend.close();
  plain.disconnect();
  piped.disconnect();
  rmSync(fileDir, { recursive: true, force: true });
  await redis.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
