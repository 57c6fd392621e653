// many(): 100 calls with 10 % misses, answered by one fn.many(argsList) against 100 awaited
// single calls of an identical cached function, Redis on loopback. Each round gives both the
// same shape of work (the same 90 hit ids, 10 ids never seen before each) and times them back to
// back, which one first alternating; the ratio is single ÷ many per round. With L1 (the 90 hits
// are L1 hits) and without (l1: false: the 90 hits are L2 hits). Goal: many ≥ 5× faster.
// Reports, asserts nothing. Background writes are flushed after each timed batch, untimed.
// Run: node benches/many.bench.mjs   (or REDIS_URL=redis://127.0.0.1:6379 to use a running server)
import { createRequire } from 'node:module';
import { cache } from 'cachekit';
import { startBenchBackend } from './lib/redis-server.mjs';
import { publishReport } from './lib/report.mjs';

const require = createRequire(import.meta.url);
const { userPayload } = require('./lib/payload.js');
const { spread, median } = require('./lib/rounds.js');

const ROUNDS = Number(process.env.MANY_ROUNDS ?? 80);
const CALLS = 100;
const MISSES = 10;
const { backend, finish } = await startBenchBackend();
const fetchUser = async (id) => userPayload(id);

// See tags.bench.mjs: the first function whose hits get hot is slower; a throw-away takes its place.
const throwaway = cache(fetchUser, { backend, module: 'bench.many', name: 'throwaway', ttl: 3600 });
for (let i = 0; i < 5000; i++) await throwaway(1);

const HIT_IDS = Array.from({ length: CALLS - MISSES }, (_, i) => i + 1);
let nextMissId = 1_000_000;

async function timedMs(run) {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

const variants = [
  { label: 'L1 + L2 (90 L1 hits, 10 misses)', options: {} },
  { label: 'L2 only (l1: false: 90 L2 hits, 10 misses)', options: { l1: false } },
  { label: 'L2 only, with loadMany (one call for the 10 misses)', options: { l1: false }, loadMany: true },
];

const rows = [];
for (const { label, options, loadMany } of variants) {
  const suffix = rows.length;
  const single = cache(fetchUser, { backend, module: 'bench.many', name: `single${suffix}`, ttl: 3600, ...options });
  const bulk = cache(fetchUser, {
    backend,
    module: 'bench.many',
    name: `bulk${suffix}`,
    ttl: 3600,
    ...options,
    ...(loadMany ? { loadMany: async (missing) => missing.map(([id]) => userPayload(id)) } : {}),
  });
  for (const fn of [single, bulk]) {
    for (const id of HIT_IDS) await fn(id);
    await fn.flush();
  }
  const singleMs = [];
  const bulkMs = [];
  const ratios = [];
  for (let round = -3; round < ROUNDS; round++) {
    const idsFor = () => [...HIT_IDS, ...Array.from({ length: MISSES }, () => nextMissId++)];
    const runSingle = async () => {
      const ids = idsFor();
      const ms = await timedMs(async () => {
        for (const id of ids) await single(id);
      });
      await single.flush();
      return ms;
    };
    const runBulk = async () => {
      const args = idsFor().map((id) => [id]);
      const ms = await timedMs(() => bulk.many(args));
      await bulk.flush();
      return ms;
    };
    let s;
    let b;
    if (round % 2 === 0) {
      s = await runSingle();
      b = await runBulk();
    } else {
      b = await runBulk();
      s = await runSingle();
    }
    if (round < 0) continue; // warm-up rounds
    singleMs.push(s);
    bulkMs.push(b);
    ratios.push(s / b);
  }
  const ofMedians = (median(singleMs) / median(bulkMs)).toFixed(2);
  rows.push(`| ${label} | ${median(singleMs).toFixed(2)} | ${median(bulkMs).toFixed(2)} | ${ofMedians} | ${spread(ratios)} |`);
  console.log(rows.at(-1));
}

publishReport('many', [
  `### ${CALLS} calls with ${MISSES} % misses: 100 awaited single calls ÷ one many(), ${ROUNDS} interleaved rounds (1 KB object, Redis on loopback)`,
  '',
  '| where the hits are | 100 single calls, ms (median) | one many(), ms (median) | ratio of the medians | single ÷ many per round, median (min–max) |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...rows,
  '',
  'Goal: ≥ 5×.',
]);
await finish();
