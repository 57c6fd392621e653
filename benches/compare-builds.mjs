// Two builds of cachekit side by side in one process, interleaved: the "no regression" check of a
// restructuring. Each build is a checkout with `npm run build` done (its dist/ and its .node);
// both are loaded from their own directories, so each runs its own TypeScript and native code.
//
//   node benches/compare-builds.mjs <before-checkout> [<after-checkout>, default: this one]
//
// Cases, each a raw baseline then before then after, batches of 25 calls taking turns for many
// rounds (benches/lib/rounds.js), a redis-server on loopback started here:
//   L1 hit (default mode, no backend), L2 hit (l1: false, Redis; default and cache.production),
//   miss + write (a new key per
//   call, the write completed: l1: false, L1 + L2, and cache.production with l1: false), and
//   cache.production's mixed case of two misses then a hit (the lock asked for with the read).
// Prints the per-call medians and after ÷ before; the ratio is what to read, not the times.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import { startBenchRedis } from './lib/redis-server.mjs';

const require = createRequire(import.meta.url);
const { interleavedBatches } = require('./lib/rounds.js');
const { userPayload } = require('./lib/payload.js');

const here = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const [beforeDir, afterDir = here] = process.argv.slice(2).map((dir) => path.resolve(dir));
if (beforeDir === undefined) {
  console.error('usage: node benches/compare-builds.mjs <before-checkout> [<after-checkout>]');
  process.exit(2);
}

/** The root entry of a built checkout, as `require('cachekit')` gives it. */
function load(dir) {
  for (const entry of ['dist/index.cjs', 'dist/index.js']) {
    const file = path.join(dir, entry);
    if (existsSync(file)) return require(file);
  }
  throw new Error(`${dir} has no built dist/ (run npm run build there)`);
}

const builds = { before: load(beforeDir), after: load(afterDir) };
const redis = await startBenchRedis();
const raw = new Redis(redis.url);
const record = userPayload(42);
const memo = new Map([['user:42', record]]);
await raw.set('raw:user:42', JSON.stringify(record));

/** The cached functions of one build (one module name per build: keys never collide). */
function casesOf(name, { cache, RedisBackend }) {
  const backend = new RedisBackend({ url: redis.url });
  const fetchUser = async (id) => userPayload(id);
  const options = { ttl: 3600, module: `compare-${name}` };
  // Each build on a bus channel of its own: neither receives (and decodes) the other's announcements.
  const onRedis = { ...options, backend, invalidation: { bus: { channel: `cachekit:compare-${name}` } } };
  const l1Hit = cache(async function l1Hit(id) { return fetchUser(id); }, { ...options, backend: null });
  const l2 = cache(async function l2(id) { return fetchUser(id); }, { ...onRedis, l1: false });
  const withL1 = cache(async function withL1(id) { return fetchUser(id); }, onRedis);
  const production = cache.production(async function production(id) { return fetchUser(id); }, { ...onRedis, l1: false });
  return { l1Hit, l2, withL1, production, backend };
}
const before = casesOf('before', builds.before);
const after = casesOf('after', builds.after);
for (const side of [before, after]) {
  await side.l1Hit(42);
  for (const fn of [side.l2, side.production]) {
    await fn(42);
    await fn.flush();
  }
}

let nextId = 1_000_000;
const rawMiss = {
  name: 'raw ioredis GET + SET EX (JSON)',
  fn: async () => {
    const key = `raw:miss:${nextId++}`;
    if ((await raw.get(key)) === null) await raw.set(key, JSON.stringify(userPayload(nextId)), 'EX', 3600);
  },
};
const scenarios = [
  {
    name: 'L1 hit (default mode, 1 KB record)',
    base: { name: 'async Map.get', fn: async () => memo.get('user:42') },
    call: (side) => () => side.l1Hit(42),
  },
  ...[
    ['L2 hit (l1: false)', 'l2'],
    ['L2 hit (cache.production, l1: false)', 'production'],
  ].map(([name, fn]) => ({
    name,
    base: { name: 'raw ioredis GET + JSON.parse', fn: async () => JSON.parse(await raw.get('raw:user:42')) },
    call: (side) => () => side[fn](42),
  })),
  ...[
    ['miss + write (l1: false)', 'l2'],
    ['miss + write (L1 + L2)', 'withL1'],
    ['miss + write (cache.production, l1: false)', 'production'],
  ].map(([name, fn]) => ({
    name,
    base: rawMiss,
    call: (side) => async () => {
      await side[fn](nextId++);
      await side[fn].flush();
    },
  })),
  {
    // Mostly misses, so the lock is asked for with each read; the hit gives its lock back.
    name: 'cache.production, two misses then a hit (l1: false)',
    base: {
      name: 'raw: two GET + SET EX, one GET + JSON.parse',
      fn: async () => {
        await rawMiss.fn();
        await rawMiss.fn();
        JSON.parse(await raw.get('raw:user:42'));
      },
    },
    call: (side) => async () => {
      await side.production(nextId++);
      await side.production(nextId++);
      await side.production(42);
      await side.production.flush();
    },
  },
];

console.log(`before: ${beforeDir}\nafter:  ${afterDir}\n`);
console.log('| case | baseline µs | before µs | after µs | before ÷ baseline | after ÷ baseline | after ÷ before |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const scenario of scenarios) {
  const rows = await interleavedBatches(
    [scenario.base, { name: 'before', fn: scenario.call(before) }, { name: 'after', fn: scenario.call(after) }],
    { batches: Number(process.env.BATCHES ?? 1000) },
  );
  const [base, b, a] = rows;
  console.log(
    `| ${scenario.name} | ${base.medianUs.toFixed(2)} | ${b.medianUs.toFixed(2)} | ${a.medianUs.toFixed(2)} | ` +
      `${b.ratio.toFixed(2)} | ${a.ratio.toFixed(2)} | **${(a.medianUs / b.medianUs).toFixed(2)}** |`,
  );
}

await Promise.all([before.backend.close(), after.backend.close()]);
raw.disconnect();
await redis.stop();
