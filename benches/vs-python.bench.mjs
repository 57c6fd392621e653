// The same cached function in Node (cachekit) and in Python (the official cachekit SDK, pinned in
// scripts/python-interop/requirements.txt, installed into the interop suite's private venv), on
// one redis-server this script starts: one caller, the 1 KB user record, an L1 hit and an L2 hit
// (L1 off). Each side times itself (median per call over batches of 100). Run:
//   node --import tsx benches/vs-python.bench.mjs
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { cache, RedisBackend } from 'cachekit';
import { startBenchRedis } from './lib/redis-server.mjs';

const require = createRequire(import.meta.url);
const { userPayload } = require('./lib/payload.js');
const { ensurePythonCachekit, runPython } = await import('../__test__/support/python-env.ts');

const CALLS = 20_000;

async function medianUsPerCall(fn, calls, batch = 100) {
  const samples = [];
  for (let i = 0; i < Math.max(1, Math.floor(calls / batch)); i++) {
    const started = performance.now();
    for (let j = 0; j < batch; j++) await fn(42);
    samples.push(((performance.now() - started) / batch) * 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const redis = await startBenchRedis();
const backend = new RedisBackend({ url: redis.url });
try {
  const env = await ensurePythonCachekit();
  const namespace = `vs-py-${randomBytes(3).toString('hex')}`;
  const withL1 = cache(async function userWithL1(id) { return userPayload(id); }, { backend, namespace: `${namespace}-node-l1`, ttl: 3600 });
  const l2Only = cache(async function userL2Only(id) { return userPayload(id); }, { backend, namespace: `${namespace}-node-l2`, ttl: 3600, l1: false });
  for (let i = 0; i < 200; i++) {
    await withL1(42);
    await l2Only(42);
  }
  const rows = [];
  for (let round = 0; round < 2; round++) {
    const node = { l1: await medianUsPerCall(withL1, CALLS), l2: await medianUsPerCall(l2Only, CALLS / 4) };
    const { output: py } = await runPython('bench_hits.py', { redisUrl: redis.url, namespace: `${namespace}-py${round}`, calls: CALLS });
    rows.push({ node, py });
  }
  console.log(`\n### cachekit (Node) against cachekit-py ${rows[0].py.sdkVersion}, one caller, 1 KB record, same redis-server\n`);
  console.log('| round | L1 hit: Node µs | Python µs | Node faster | L2 hit: Node µs | Python µs | Node faster |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  rows.forEach(({ node, py }, i) => {
    console.log(`| ${i + 1} | ${node.l1.toFixed(2)} | ${py.l1HitUs.toFixed(2)} | ${(py.l1HitUs / node.l1).toFixed(1)}× | ${node.l2.toFixed(2)} | ${py.l2HitUs.toFixed(2)} | ${(py.l2HitUs / node.l2).toFixed(1)}× |`);
  });
  console.log(`\nNode ${process.version}, Python venv ${env.python}; ${new Date().toISOString()}`);
} finally {
  await backend.close();
  await redis.stop();
}
