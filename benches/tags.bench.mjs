// What a tag costs on a hit: the same 1 KB object cached with and without tags (two per entry),
// Redis on loopback with the invalidation bus connected (stamps trusted in memory, as in
// production). Interleaved in one process: each round alternates small batches of untagged and
// tagged hits (rounds.js) and gives one ratio of their medians. Goal: tagged ≤ 1.1× untagged,
// for L1 hits and for L2 hits (l1: false). Reports, asserts nothing.
// The first cached function whose hits get hot in a process answered them ~0.2 µs slower than
// any after it, whatever its options, in every order tried (a V8 tiering artefact of the shared
// hit-path code): a throw-away function takes that place, warmed with 5000 hits.
// Run: node benches/tags.bench.mjs   (or REDIS_URL=redis://127.0.0.1:6379 to use a running server)
import { createRequire } from 'node:module';
import { cache } from 'cachekit';
import { startBenchBackend } from './lib/redis-server.mjs';
import { publishReport } from './lib/report.mjs';

const require = createRequire(import.meta.url);
const { userPayload } = require('./lib/payload.js');
const { interleavedBatches, spread, median } = require('./lib/rounds.js');

const ROUNDS = Number(process.env.TAGS_ROUNDS ?? 15);
const { backend, finish } = await startBenchBackend();
const fetchUser = async (id) => userPayload(id);
const tags = (id) => [`user:${id}`, 'users'];

const tiers = [
  { tier: 'L1 hit', suffix: 'L1', options: {}, batches: 1000 },
  { tier: 'L2 hit (l1: false)', suffix: 'L2', options: { l1: false }, batches: 60 },
];

const throwaway = cache(fetchUser, { backend, module: 'bench.tags', name: 'throwaway', ttl: 3600 });
for (let i = 0; i < 5000; i++) await throwaway(42);

const rows = [];
for (const { tier, suffix, options, batches } of tiers) {
  const untagged = cache(fetchUser, { backend, module: 'bench.tags', name: `untagged${suffix}`, ttl: 3600, ...options });
  const tagged = cache(fetchUser, { backend, module: 'bench.tags', name: `tagged${suffix}`, ttl: 3600, tags, ...options });
  for (const fn of [untagged, tagged]) {
    await fn(42);
    await fn.flush();
  }
  const cases = [
    { name: 'untagged', fn: () => untagged(42) },
    { name: 'tagged', fn: () => tagged(42) },
  ];
  const untaggedUs = [];
  const taggedUs = [];
  const ratios = [];
  for (let round = 0; round < ROUNDS; round++) {
    const [plain, withTags] = await interleavedBatches(cases, { batches, batchSize: 25, warmup: round === 0 ? 500 : 25 });
    untaggedUs.push(plain.medianUs);
    taggedUs.push(withTags.medianUs);
    ratios.push(withTags.ratio);
  }
  const bus = tagged.getHealthStatus().invalidation?.connected ? 'connected' : 'not connected';
  rows.push(`| ${tier} | ${median(untaggedUs).toFixed(3)} | ${median(taggedUs).toFixed(3)} | ${spread(ratios)} | ${bus} |`);
  console.log(rows.at(-1));
}

publishReport('tags', [
  `### Hit on a tagged entry ÷ untagged: ${ROUNDS} rounds of interleaved batches (1 KB object, 2 tags, Redis on loopback)`,
  '',
  '| tier | untagged µs/hit | tagged µs/hit | tagged ÷ untagged, median of rounds (min–max) | bus |',
  '| --- | ---: | ---: | ---: | --- |',
  ...rows,
  '',
  'Goal: ≤ 1.1×.',
]);
await finish();
