// The miss of a memory-only cache (`backend: null`): a new argument per call, so every call
// runs the function and stores its result. Baseline: lru-cache get + set around the same
// async function (what a hand-written memo does). Both sides return the same freshly built
// 1 KB object; the record is nested (objects in arrays in objects), like the L1 bench's.
// Two settings of the function: it returns a record built up front (the rows then show what the
// caching itself adds), or builds a new record per call (as a function that fetches does).
// Two methods:
// - interleaved batches in one process (benches/lib/rounds.js), ratio of the median batch times.
//   The cases share one heap, so each pays part of the others' garbage collection: lru-cache
//   keeps every record it stores (young objects the collector copies), cachekit bytes.
// - each case in a process of its own (MISS_PROCESSES rounds, the cases alternating), CPU time
//   per miss over MISS_CALLS misses after a warm-up: each pays exactly its own collection.
// Run: node benches/miss.bench.mjs   (MISS_BATCHES=…, MISS_PROCESSES=…, MISS_CALLS=… to change
// the amount; MISS_PROCESSES=0 skips the second method; MISS_BUILD=<checkout> measures that
// checkout's build)
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { LRUCache } from 'lru-cache';
import { publishReport } from './lib/report.mjs';

const require = createRequire(import.meta.url);
// MISS_BUILD=<checkout>: measure that checkout's build (its dist/) instead of this one.
const { cache } = process.env.MISS_BUILD ? require(`${process.env.MISS_BUILD}/dist/index.cjs`) : await import('cachekit');
const { userPayload, nestedPayload } = require('./lib/payload.js');
const { interleavedBatches, median } = require('./lib/rounds.js');

const BATCHES = Number(process.env.MISS_BATCHES ?? 2000);
const PROCESSES = Number(process.env.MISS_PROCESSES ?? 5);
const CALLS = Number(process.env.MISS_CALLS ?? 100_000);
// The same bound on both sides: entries beyond it are evicted, as a long-running process would.
const MAX_ENTRIES = 10_000;

/** One record shape: the baseline and cachekit's modes, each with its own id counter. */
function casesFor(shape, build, builtPerCall) {
  // Records built up front (a pool reused round-robin): the function costs next to nothing.
  const pool = Array.from({ length: 1024 }, (_, i) => build(i));
  const load = builtPerCall ? async (id) => build(id) : async (id) => pool[id % pool.length];
  const lru = new LRUCache({ max: MAX_ENTRIES, ttl: 3_600_000 });
  let lruId = 0;
  const lruMemo = async (id) => {
    const hit = lru.get(id);
    if (hit !== undefined) return hit;
    const value = await load(id);
    lru.set(id, value);
    return value;
  };
  const options = { backend: null, ttl: 3600, l1: { maxEntries: MAX_ENTRIES }, module: 'bench' };
  const modes = [
    ['default (fresh copy per hit)', {}],
    ["l1.mode 'frozen'", { l1: { ...options.l1, mode: 'frozen' } }],
    ["l1.mode 'reference'", { l1: { ...options.l1, mode: 'reference' } }],
  ];
  const cases = [{ name: `lru-cache 11 get + set (${shape})`, fn: () => lruMemo(lruId++) }];
  for (const [mode, extra] of modes) {
    const cached = cache(load, { ...options, ...extra, name: `miss-${shape}-${mode}`.replace(/[^A-Za-z0-9]+/g, '_') });
    let id = 0;
    cases.push({ name: `cachekit ${mode}`, fn: () => cached(id++) });
  }
  return cases;
}

const settings = [
  ['flat 1 KB record, built up front', userPayload, false],
  ['nested 1 KB record, built up front', nestedPayload, false],
  ['flat 1 KB record, built per call', userPayload, true],
  ['nested 1 KB record, built per call', nestedPayload, true],
];

/** Child process: runs case `caseIndex` of setting `settingIndex` alone; prints µs of CPU and wall time per miss. */
async function runIsolated(settingIndex, caseIndex) {
  const [shape, build, builtPerCall] = settings[settingIndex];
  const { fn } = casesFor(shape, build, builtPerCall)[caseIndex];
  for (let i = 0; i < 20_000; i++) await fn();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) await fn();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ cpuUs: (used.user + used.system) / CALLS, wallUs: (wall * 1000) / CALLS }));
}

if (process.argv[2] === '--isolated') {
  await runIsolated(Number(process.argv[3]), Number(process.argv[4]));
  process.exit(0);
}

const sections = [];
for (const [shape, build, builtPerCall] of settings) {
  const cases = casesFor(shape, build, builtPerCall);
  const rows = await interleavedBatches(cases, { batches: BATCHES });
  sections.push(
    [
      `### ${shape}`,
      '',
      '| case | µs per miss (median batch) | × lru-cache |',
      '| --- | ---: | ---: |',
      ...rows.map((r) => `| ${r.name} | ${r.medianUs.toFixed(2)} | ${r.ratio.toFixed(2)} |`),
    ].join('\n'),
  );
}
const isolated = [];
if (PROCESSES > 0) {
  const script = fileURLToPath(import.meta.url);
  const modes = ['lru-cache 11 get + set', 'cachekit default', "cachekit l1.mode 'frozen'", "cachekit l1.mode 'reference'"];
  isolated.push(
    '',
    `## The same, each case in a process of its own: ${PROCESSES} rounds (cases alternating), ${CALLS} misses each after 20,000, median CPU µs per miss`,
    '',
    `| record, function | ${modes.join(' | ')} |`,
    `| --- |${' ---: |'.repeat(modes.length)}`,
  );
  for (let settingIndex = 0; settingIndex < settings.length; settingIndex++) {
    const cpu = modes.map(() => []);
    for (let round = 0; round < PROCESSES; round++) {
      for (let caseIndex = 0; caseIndex < modes.length; caseIndex++) {
        const out = execFileSync(process.execPath, [script, '--isolated', String(settingIndex), String(caseIndex)], { encoding: 'utf8' });
        cpu[caseIndex].push(JSON.parse(out.trim().split('\n').pop()).cpuUs);
      }
    }
    const base = median(cpu[0]);
    const cells = cpu.map((values, i) => (i === 0 ? `${base.toFixed(2)} µs` : `${(median(values) / base).toFixed(2)}× (${median(values).toFixed(2)} µs)`));
    isolated.push(`| ${settings[settingIndex][0]} | ${cells.join(' | ')} |`);
  }
}
publishReport('miss', [`## Miss, memory only (backend: null): ${BATCHES} interleaved batches of 25 calls, ratio of medians`, ...sections.flatMap((s) => ['', s]), ...isolated]);
