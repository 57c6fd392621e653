// The miss of a memory-only cache (`backend: null`): a new argument per call, so every call
// runs the function and stores its result. Baseline: lru-cache get + set around the same
// async function (what a hand-written memo does). Both sides return the same freshly built
// 1 KB object; the record is nested (objects in arrays in objects), like the L1 bench's.
// Method: interleaved batches (benches/lib/rounds.js), ratio of the median batch times.
// Two settings of the function: it returns a record built up front (the rows then show what the
// caching itself adds), or builds a new record per call (as a function that fetches does).
// Run: node benches/miss.bench.mjs   (MISS_BATCHES=… to change the number of rounds)
import { createRequire } from 'node:module';
import { LRUCache } from 'lru-cache';
import { cache } from 'cachekit';
import { publishReport } from './lib/report.mjs';

const require = createRequire(import.meta.url);
const { userPayload, nestedPayload } = require('./lib/payload.js');
const { interleavedBatches } = require('./lib/rounds.js');

const BATCHES = Number(process.env.MISS_BATCHES ?? 2000);
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

const sections = [];
const settings = [
  ['flat 1 KB record, built up front', userPayload, false],
  ['nested 1 KB record, built up front', nestedPayload, false],
  ['flat 1 KB record, built per call', userPayload, true],
  ['nested 1 KB record, built per call', nestedPayload, true],
];
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
publishReport('miss', [`## Miss, memory only (backend: null): ${BATCHES} interleaved batches of 25 calls, ratio of medians`, ...sections.flatMap((s) => ['', s])]);
