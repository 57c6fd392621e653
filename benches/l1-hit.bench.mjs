// L1 hit of a cached async function, side by side with the peer libraries: same 1 KB result
// object, same integer argument, every call a hit. Run: node benches/l1-hit.bench.mjs
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { createCache as createCacheManager } from 'cache-manager';
import { Cacheable } from 'cacheable';
import { createCache as createDedupe } from 'async-cache-dedupe';
import { LRUCache } from 'lru-cache';
import { cache } from 'cachekit';

const require = createRequire(import.meta.url);
const { runAsyncSuite, toMarkdown } = require('./lib/async-suite.js');
const { userPayload, nestedPayload } = require('./lib/payload.js');

const ID = 42;
const fetchUser = async (id) => userPayload(id);

const rawMap = new Map();
async function rawMapGet(id) {
  const hit = rawMap.get(id);
  if (hit !== undefined) return hit;
  const value = await fetchUser(id);
  rawMap.set(id, value);
  return value;
}

const lru = new LRUCache({ max: 10_000, ttl: 3_600_000, fetchMethod: (key) => fetchUser(key) });
const bento = new BentoCache({ default: 'l1', stores: { l1: bentostore().useL1Layer(memoryDriver({ maxSize: '100mb' })) } });
const bentoLive = new BentoCache({ default: 'l1', stores: { l1: bentostore().useL1Layer(memoryDriver({ serialize: false })) } });
const cacheManager = createCacheManager();
const cacheable = new Cacheable();
const dedupe = createDedupe({ ttl: 3600, storage: { type: 'memory' } });
dedupe.define('fetchUser', (id) => fetchUser(id));

const ckLocal = cache.local(async function fetchUserLocal(id) {
  return fetchUser(id);
});

/** cachekit's L1 modes (memory only) over `load`, as cases calling it with ID; `label` names the functions. */
function l1ModeCases(load, label) {
  const modes = [
    ["cachekit l1.mode 'reference'", 'Reference', { l1: { mode: 'reference' } }],
    ["cachekit l1.mode 'frozen' (deep-frozen, no copy)", 'Frozen', { l1: { mode: 'frozen' } }],
    ['cachekit default (fresh copy per hit)', 'Bytes', {}],
  ];
  return modes.map(([name, suffix, options]) => {
    const cached = cache(load, { backend: null, name: `${label}${suffix}`, ...options });
    return { name, fn: () => cached(ID) };
  });
}

const cases = [
  { name: 'raw Map in an async function', fn: () => rawMapGet(ID), baseline: true },
  { name: 'lru-cache 11 fetch()', fn: () => lru.fetch(ID) },
  { name: 'bentocache 1.6 getOrSet (default, JSON per hit)', fn: () => bento.getOrSet({ key: `user:${ID}`, factory: () => fetchUser(ID), ttl: '1h' }) },
  { name: 'bentocache 1.6 getOrSet (serialize: false)', fn: () => bentoLive.getOrSet({ key: `user:${ID}`, factory: () => fetchUser(ID), ttl: '1h' }) },
  { name: 'cache-manager 7 wrap()', fn: () => cacheManager.wrap(`user:${ID}`, () => fetchUser(ID), 3_600_000) },
  { name: 'cacheable 2 getOrSet()', fn: () => cacheable.getOrSet(`user:${ID}`, () => fetchUser(ID), { ttl: '1h' }) },
  { name: 'async-cache-dedupe 3', fn: () => dedupe.fetchUser(ID) },
  { name: 'cachekit cache.local (live reference)', fn: () => ckLocal(ID) },
  ...l1ModeCases(fetchUser, 'fetchUser'),
];

// Warm every cache so each measured call is a hit.
for (const c of cases) await c.fn();

const rows = await runAsyncSuite('L1 hit, 1 KB object', cases, { batch: 1000 });
const bentoDefault = rows.find((r) => r.name.startsWith('bentocache 1.6 getOrSet (default'));
const table = toMarkdown('L1 hit of a cached async function (1 KB object, integer argument)', rows, 'raw Map');

// The same hit on a record of nested objects and arrays: the copy of the default mode walks
// every container, so its cost grows with the shape, not the size.
const nestedMap = new Map();
const nestedCases = [
  {
    name: 'raw Map in an async function',
    fn: async () => nestedMap.get(ID) ?? (nestedMap.set(ID, nestedPayload(ID)), nestedMap.get(ID)),
    baseline: true,
  },
  ...l1ModeCases(async (id) => nestedPayload(id), 'nested'),
];
for (const c of nestedCases) await c.fn();
const nestedRows = await runAsyncSuite('L1 hit, nested 1 KB record', nestedCases, { batch: 1000 });
const nestedTable = toMarkdown('L1 hit of a nested 1 KB record (6 order lines, 4 history entries, nested objects)', nestedRows, 'raw Map');
const defaultRow = rows.find((r) => r.name.startsWith('cachekit default'));
const note =
  `\ncachekit default vs bentocache default: ${(bentoDefault.p50Us / defaultRow.p50Us).toFixed(2)}× faster (p50).\n` +
  `Node ${process.version}, ${process.arch}; ${new Date().toISOString()}\n`;
console.log(table + '\n' + nestedTable + '\n' + note);
writeFileSync(new URL('./results/l1-hit.md', import.meta.url), `${table}\n${nestedTable}\n${note}`);
await bento.disconnectAll?.();
process.exit(0);
