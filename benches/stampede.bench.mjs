// 1,000 concurrent calls on one cold key, in one process, of a function that takes 50 ms (a
// timer: the event loop stays free). Goal: the burst's wall time ≤ 1.1 × the function's.
// Baseline, measured in the same rounds: the same 1,000 calls through a hand-written
// single-flight (a Map of promises), which costs the timer plus the calls themselves.
// Each round: one burst of each case, in turn, each on a new key; the ratio per case is the
// median over rounds of (case wall ÷ baseline wall), and of (case wall ÷ 50 ms).
// Run: node benches/stampede.bench.mjs   (STAMPEDE_ROUNDS=… to change the number of rounds)
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { cache } from 'cachekit';
import { startBenchBackend } from './lib/redis-server.mjs';
import { publishReport } from './lib/report.mjs';

const require = createRequire(import.meta.url);
const { userPayload } = require('./lib/payload.js');
const { median, spread } = require('./lib/rounds.js');

const CALLS = 1000;
const FUNCTION_MS = 50;
const ROUNDS = Number(process.env.STAMPEDE_ROUNDS ?? 30);

const { backend, finish } = await startBenchBackend();
const load = async (id) => {
  await sleep(FUNCTION_MS);
  return userPayload(id);
};

const inflight = new Map();
const handSingleFlight = (id) => {
  let running = inflight.get(id);
  if (running === undefined) {
    running = load(id).finally(() => inflight.delete(id));
    inflight.set(id, running);
  }
  return running;
};

const options = { ttl: 3600, module: 'bench' };
const cases = [
  { name: 'hand-written single-flight (Map of promises)', fn: handSingleFlight },
  { name: 'cachekit default, memory only (backend: null)', fn: cache(load, { ...options, backend: null, name: 'stampedeMemory' }) },
  { name: 'cachekit default, L1 + Redis', fn: cache(load, { ...options, backend, name: 'stampedeL1Redis' }) },
  { name: 'cachekit default, Redis only (l1: false)', fn: cache(load, { ...options, backend, l1: false, name: 'stampedeRedis' }) },
  { name: 'cachekit production, L1 + Redis (lock)', fn: cache.production(load, { ...options, backend, name: 'stampedeProduction' }) },
];
// Connect before the bursts: they measure coalescing, not the TCP handshake.
for (const c of cases) await c.fn(-1);
await Promise.all(cases.map((c) => c.fn.flush?.()));

let nextId = 0;
const walls = cases.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (let index = 0; index < cases.length; index++) {
    const id = nextId++;
    const fn = cases[index].fn;
    const started = performance.now();
    const values = await Promise.all(Array.from({ length: CALLS }, () => fn(id)));
    walls[index].push(performance.now() - started);
    if (values.some((v) => v.id !== id)) throw new Error(`${cases[index].name}: a wrong value`);
    await fn.flush?.();
  }
}

const rows = cases.map((c, index) => ({
  name: c.name,
  wallMs: median(walls[index]),
  perFunction: walls[index].map((w) => w / FUNCTION_MS),
  perBaseline: walls[index].map((w, round) => w / walls[0][round]),
}));
publishReport('stampede', [
  `## Stampede in one process: ${CALLS.toLocaleString('en-US')} concurrent calls, one cold key, ${FUNCTION_MS} ms function (${ROUNDS} rounds, median and range)`,
  '',
  '| case | wall, median (ms) | × the function (goal ≤ 1.1) | × hand-written single-flight |',
  '| --- | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.name} | ${r.wallMs.toFixed(1)} | ${spread(r.perFunction)} | ${spread(r.perBaseline)} |`),
], 'redis on loopback');
await finish();
