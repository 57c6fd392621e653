// The encrypted path against the plain path, same run: 1 KB and 1 MB values, L1 hit and L2 hit
// (Redis on loopback, started here). Run: node benches/secure.bench.mjs
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cache } from 'cachekit';
import { startBenchBackend } from './lib/redis-server.mjs';

const require = createRequire(import.meta.url);
const { runAsyncSuite, toMarkdown } = require('./lib/async-suite.js');
const { userPayload } = require('./lib/payload.js');
const { spread, ratioOf } = require('./lib/rounds.js');

const { backend, finish } = await startBenchBackend();
const masterKey = 'ab'.repeat(32);
const small = userPayload(1);
// ~1 MB: a list of records (compressible, like real payloads).
const large = { rows: Array.from({ length: 1300 }, (_, i) => userPayload(i)) };

function variants(label, value) {
  const plainL2 = cache(async function plainL2() { return value; }, { backend, l1: false, name: `plainL2_${label}`, module: 'bench.secure' });
  const secureL2 = cache.secure(async function secureL2() { return value; }, {
    backend, l1: false, tenant: 'single', encryption: { masterKey }, name: `secureL2_${label}`, module: 'bench.secure',
  });
  const plainL1 = cache(async function plainL1() { return value; }, { backend, name: `plainL1_${label}`, module: 'bench.secure' });
  const secureL1 = cache.secure(async function secureL1() { return value; }, {
    backend, tenant: 'single', encryption: { masterKey }, name: `secureL1_${label}`, module: 'bench.secure',
  });
  return { plainL2, secureL2, plainL1, secureL1 };
}

const sections = [];
let smallVariants;
for (const [label, value, batch] of [['1 KB', small, 50], ['1 MB', large, 2]]) {
  const v = variants(label.replace(' ', ''), value);
  smallVariants ??= v;
  for (const f of Object.values(v)) {
    await f();
    await f.flush();
    await f();
  }
  const l2 = await runAsyncSuite(`${label} L2 hit`, [
    { name: `plain L2 hit, ${label}`, fn: () => v.plainL2(), baseline: true },
    { name: `secure L2 hit, ${label}`, fn: () => v.secureL2() },
  ], { batch, minSamples: 15, maxTime: 3 });
  sections.push(toMarkdown(`${label}: L2 hit (no L1)`, l2, 'plain'));
  const l1 = await runAsyncSuite(`${label} L1 hit`, [
    { name: `plain L1 hit, ${label}`, fn: () => v.plainL1(), baseline: true },
    { name: `secure L1 hit (decrypt per hit), ${label}`, fn: () => v.secureL1() },
  ], { batch: label === '1 KB' ? 500 : 2, minSamples: 15, maxTime: 3 });
  sections.push(toMarkdown(`${label}: L1 hit`, l1, 'plain'));
}
// The goal (secure 1 KB L2 hit ≤ 1.1 × plain) in interleaved rounds: the suites above
// measure each case for seconds, one after the other, while the machine's speed drifts.
const ROUNDS = Number(process.env.SECURE_ROUNDS ?? 9);
const goalRatios = [];
for (let round = 0; round < ROUNDS; round++) {
  const rows = await runAsyncSuite('secure goal round', [
    { name: 'plain', fn: () => smallVariants.plainL2(), baseline: true },
    { name: 'secure', fn: () => smallVariants.secureL2() },
  ], { batch: 50, minSamples: 10, maxTime: 0.5 });
  goalRatios.push(ratioOf(rows));
}
sections.push([
  `### Goal, ${ROUNDS} interleaved rounds (median, range)`,
  '',
  '| goal | secure ÷ plain | target |',
  '| --- | ---: | ---: |',
  `| 1 KB L2 hit, time per call | ${spread(goalRatios)} | ≤ 1.10 |`,
].join('\n'));
const report = `${sections.join('\n\n')}\n\nNode ${process.version}, ${process.arch}; ${new Date().toISOString()}\n`;
console.log(report);
writeFileSync(new URL('./results/secure.md', import.meta.url), report);
await finish();
