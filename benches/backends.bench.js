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
 *
 * The machine this runs on is shared, so load comes in bursts: every case runs in several
 * interleaved rounds (BENCH_ROUNDS, default 5, of BENCH_MAX_TIME seconds, default 1) and the
 * median round is reported, with the spread across rounds.
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
const MAX_TIME_S = Number(process.env.BENCH_MAX_TIME ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

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

/** A case: `ops` operations per invocation of `fn`. */
function benchCase(name, ops, fn) {
  return { name, ops, fn };
}

/** Runs every case once (one round); returns ops/s per case name. */
function runRound(cases) {
  return new Promise((resolve) => {
    const suite = new Benchmark.Suite();
    const hz = new Map();
    for (const c of cases) {
      suite.add(c.name, {
        defer: true,
        maxTime: MAX_TIME_S,
        fn: (deferred) =>
          c.fn().then(
            () => deferred.resolve(),
            (err) => {
              console.error(c.name, err);
              process.exit(1);
            },
          ),
      });
    }
    suite.on('cycle', (event) => hz.set(event.target.name, event.target.hz));
    suite.on('complete', () => resolve(hz));
    suite.run({ async: true });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

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
  // A full memory backend (its default cap) read on one hot key: recency is a linked list, so
  // touching the key costs the same as in an empty one (Map delete + set did not: ~11 µs here).
  const fullMemory = new MemoryBackend();
  for (let i = 0; i < fullMemory.maxEntries; i++) await fullMemory.set(`bench:fill:${i}`, VALUE);
  await fullMemory.set(key, VALUE);

  console.log(`node ${process.version}, ${os.cpus().length} CPUs, ${os.cpus()[0]?.model ?? ''}; value 1 KiB; Redis ${redis.url.replace(/:[^:@/]*@/, ':***@')}`);

  const cases = [
    benchCase('redis GET  sequential  ioredis', 1, () => plain.getBuffer(key)),
    benchCase('redis GET  sequential  ioredis auto-pipelining', 1, () => piped.getBuffer(key)),
    benchCase('redis GET  sequential  RedisBackend', 1, () => backend.get(key)),
    benchCase('redis SET  sequential  ioredis', 1, () => plain.set(key, VALUE)),
    benchCase('redis SET  sequential  ioredis auto-pipelining', 1, () => piped.set(key, VALUE)),
    benchCase('redis SET  sequential  RedisBackend', 1, () => backend.set(key, VALUE)),
    benchCase('redis GET  64 in flight  ioredis', IN_FLIGHT, many(() => plain.getBuffer(key))),
    benchCase('redis GET  64 in flight  ioredis auto-pipelining', IN_FLIGHT, many(() => piped.getBuffer(key))),
    benchCase('redis GET  64 in flight  RedisBackend', IN_FLIGHT, many(() => backend.get(key))),
    benchCase('redis SET  64 in flight  ioredis', IN_FLIGHT, many(() => plain.set(key, VALUE))),
    benchCase('redis SET  64 in flight  ioredis auto-pipelining', IN_FLIGHT, many(() => piped.set(key, VALUE))),
    benchCase('redis SET  64 in flight  RedisBackend', IN_FLIGHT, many(() => backend.set(key, VALUE))),
    benchCase('file   GET  sequential  FileBackend', 1, () => file.get(key)),
    benchCase('file   SET  sequential  FileBackend (fsync + rename)', 1, () => file.set(key, VALUE)),
    benchCase('memory GET  sequential  MemoryBackend', 1, () => memory.get(key)),
    benchCase('memory SET  sequential  MemoryBackend', 1, () => memory.set(key, VALUE)),
    benchCase('memory GET  hot key, 10,000 entries  MemoryBackend', 1, () => fullMemory.get(key)),
    benchCase('memory SET  hot key, 10,000 entries  MemoryBackend', 1, () => fullMemory.set(key, VALUE)),
  ];
  const rounds = new Map(cases.map((c) => [c.name, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    const hz = await runRound(cases);
    for (const c of cases) rounds.get(c.name).push(hz.get(c.name) * c.ops);
    process.stderr.write(`round ${round}/${ROUNDS} done\n`);
  }
  const results = new Map();
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  console.log(`\n${'case'.padEnd(52)} ${'median ops/s'.padStart(13)}   range over ${ROUNDS} rounds`);
  for (const c of cases) {
    const values = rounds.get(c.name);
    results.set(c.name, median(values));
    console.log(`${c.name.padEnd(52)} ${fmt(median(values)).padStart(13)}   ${fmt(Math.min(...values))} – ${fmt(Math.max(...values))}`);
  }

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
