// Fault comparison with the peer libraries: the same callers against a redis-server this
// script freezes (SIGSTOP 5 s, then SIGCONT) and, separately, kills and restarts 2 s later.
// Each library caches the same 20 ms function (L2 only, 64 callers, each with keys of its own)
// on a fresh server; the figure that matters is the longest time any call overlapping the
// fault spent waiting on top of the function itself.
// Run: node --import tsx benches/faults-peers.bench.mjs   (writes benches/results/faults-peers.md)
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import Redis from 'ioredis';
import { BentoCache, bentostore } from 'bentocache';
import { redisDriver } from 'bentocache/drivers/redis';
import { createCache as createCacheManager } from 'cache-manager';
import { Cacheable } from 'cacheable';
import { Keyv } from 'keyv';
import KeyvRedis from '@keyv/redis';
import { createCache as createDedupe } from 'async-cache-dedupe';
// The sources (through tsx), so the figures describe this checkout, not a stale dist/.
import cachekit from '../src/index.ts';
import { startRedisServer } from '../__test__/support/redis-server.ts';

const { cache, RedisBackend } = cachekit;

const CALLERS = 64;
const ITEMS = 16;
const FUNCTION_MS = 20;
const WARM_MS = 1_500;
const PAUSE_MS = 5_000;
const AFTER_MS = 1_500;
/** How long Redis stays dead between SIGKILL and the restart, ms (a quick restart). */
const DOWN_MS = 2_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const value = (a, b) => ({ a, b, label: `item-${a}-${b}`, product: a * b });

// ---- a redis-server to freeze and kill: the test suite's own helper
async function startServer() {
  const handle = await startRedisServer();
  return {
    url: handle.url,
    pause: () => handle.pause(),
    resume: () => handle.resume(),
    async killAndRestart() {
      await handle.kill();
      await sleep(DOWN_MS);
      await handle.restart();
    },
    stop: () => handle.stop(),
  };
}

// @keyv/redis drives a node-redis client whose unhandled 'error' would end this process.
function quietKeyvRedis(url) {
  const store = new KeyvRedis(url);
  store.on?.('error', () => {});
  store.client.on('error', () => {});
  return store;
}

// ---- the libraries, each as (url) => { call(a, b, factory), close() }
let cachekitRuns = 0;
const libraries = [
  {
    name: 'raw ioredis 5 (GET, compute, SET)',
    create(url) {
      const client = new Redis(url);
      client.on('error', () => {});
      return {
        async call(a, b, factory) {
          const key = `raw:${a}:${b}`;
          const hit = await client.get(key);
          if (hit !== null) return JSON.parse(hit);
          const fresh = await factory();
          await client.set(key, JSON.stringify(fresh), 'EX', 600);
          return fresh;
        },
        close: async () => client.disconnect(),
      };
    },
  },
  {
    name: 'bentocache 1.6 (L2 only)',
    create(url) {
      const connection = new Redis(url);
      connection.on('error', () => {});
      const bento = new BentoCache({ default: 'l2', stores: { l2: bentostore().useL2Layer(redisDriver({ connection })) } });
      return {
        call: (a, b, factory) => bento.getOrSet({ key: `bento:${a}:${b}`, factory, ttl: '10m' }),
        close: async () => {
          await bento.disconnectAll().catch(() => {});
          connection.disconnect();
        },
      };
    },
  },
  {
    name: 'cache-manager 7 + @keyv/redis',
    create(url) {
      const store = quietKeyvRedis(url);
      const keyv = new Keyv({ store });
      keyv.on('error', () => {});
      const manager = createCacheManager({ stores: [keyv] });
      return {
        call: (a, b, factory) => manager.wrap(`cm:${a}:${b}`, factory, 600_000),
        close: async () => manager.disconnect().catch(() => {}),
      };
    },
  },
  {
    name: 'cacheable 2 (redis primary)',
    create(url) {
      const store = quietKeyvRedis(url);
      const primary = new Keyv({ store });
      primary.on('error', () => {});
      const cacheable = new Cacheable({ primary });
      cacheable.on?.('error', () => {});
      return {
        call: (a, b, factory) => cacheable.getOrSet(`cb:${a}:${b}`, factory, { ttl: '10m' }),
        close: async () => cacheable.disconnect().catch(() => {}),
      };
    },
  },
  {
    name: 'async-cache-dedupe 3 (redis)',
    create(url) {
      const client = new Redis(url);
      client.on('error', () => {});
      const dedupe = createDedupe({ ttl: 600, storage: { type: 'redis', options: { client } } });
      // Each (a, b) belongs to one caller, which calls it once at a time: its factory is unambiguous.
      const factories = new Map();
      dedupe.define('item', { references: () => [] }, async ({ a, b }) => factories.get(`${a}:${b}`)());
      return {
        call(a, b, factory) {
          factories.set(`${a}:${b}`, factory);
          return dedupe.item({ a, b });
        },
        close: async () => client.disconnect(),
      };
    },
  },
  {
    name: 'cachekit (default preset, L1 off)',
    create(url) {
      const backend = new RedisBackend({ url });
      const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
      const fns = new Map();
      // Each run wraps a new closure: one namespace per run (one function per identity).
      const cached = cache(async function item(a, b) {
        return fns.get(`${a}:${b}`)();
      }, { backend, l1: false, ttl: 600, namespace: `peers-${process.pid}-${++cachekitRuns}`, logger: quiet });
      return {
        call(a, b, factory) {
          fns.set(`${a}:${b}`, factory);
          return cached(a, b);
        },
        close: async () => backend.close(),
      };
    },
  },
];

// ---- one run: callers, a fault in the middle, per-call records
async function run(library, fault) {
  const server = await startServer();
  const lib = library.create(server.url);
  const records = [];
  let faultFrom = 0;
  let faultTo = 0;
  let stop = false;
  const loop = async (a) => {
    await sleep(a % 8);
    while (!stop) {
      const b = Math.floor(Math.random() * ITEMS);
      let ranMs = 0;
      const factory = async () => {
        const t = performance.now();
        await sleep(FUNCTION_MS);
        ranMs = performance.now() - t;
        return value(a, b);
      };
      const startedAt = performance.now();
      let failed = false;
      let wrong = false;
      try {
        wrong = !isDeepStrictEqual(await lib.call(a, b, factory), value(a, b));
      } catch {
        failed = true;
      }
      const endedAt = performance.now();
      records.push({ startedAt, endedAt, waitMs: endedAt - startedAt - ranMs, failed, wrong });
      await sleep(2);
    }
  };
  const loops = Array.from({ length: CALLERS }, (_, a) => loop(a));
  await sleep(WARM_MS);
  faultFrom = performance.now();
  if (fault === 'pause') {
    server.pause();
    await sleep(PAUSE_MS);
    server.resume();
  } else {
    await server.killAndRestart();
  }
  faultTo = performance.now();
  await sleep(AFTER_MS);
  stop = true;
  // A library still stuck on the frozen server gets a bounded time to answer.
  await Promise.race([Promise.all(loops), sleep(30_000)]);
  await lib.close().catch(() => {});
  await server.stop();
  const overlapping = records.filter((r) => r.startedAt <= faultTo && r.endedAt >= faultFrom);
  const longest = overlapping.reduce((m, r) => Math.max(m, r.waitMs), 0);
  return {
    calls: records.length,
    overlapping: overlapping.length,
    longestWaitMs: longest,
    errors: records.filter((r) => r.failed).length,
    wrong: records.filter((r) => r.wrong).length,
    faultMs: faultTo - faultFrom,
  };
}

const rows = [];
for (const library of libraries) {
  const pause = await run(library, 'pause');
  const restart = await run(library, 'restart');
  rows.push({ name: library.name, pause, restart });
  console.log(
    `${library.name}: pause longest wait ${pause.longestWaitMs.toFixed(0)} ms (${pause.errors} errors, ${pause.wrong} wrong); ` +
      `restart longest wait ${restart.longestWaitMs.toFixed(0)} ms (${restart.errors} errors, ${restart.wrong} wrong)`,
  );
}

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const lines = [
  '### Redis frozen or restarted under load: cachekit and the peers',
  '',
  `${CALLERS} callers, ${FUNCTION_MS} ms function, L2 only, a fresh redis-server per run. "Longest wait" is the longest time any ` +
    'call overlapping the fault spent on top of running the function: how long the cache held the caller. Errors are calls ' +
    'that threw to the caller.',
  '',
  `| library | SIGSTOP ${PAUSE_MS / 1000} s: longest wait | errors | wrong | SIGKILL, restart ${DOWN_MS / 1000} s later: longest wait | errors | wrong |`,
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${fmt(r.pause.longestWaitMs)} | ${r.pause.errors} | ${r.pause.wrong} | ${fmt(r.restart.longestWaitMs)} | ${r.restart.errors} | ${r.restart.wrong} |`,
  ),
  '',
  `Node ${process.version}, ${os.cpus().length} cores; kill → restarted server answering took ${fmt(rows[0]?.restart.faultMs ?? 0)}; ${new Date().toISOString()}`,
  '',
];
writeFileSync(new URL('./results/faults-peers.md', import.meta.url), lines.join('\n'));
console.log(`\n${lines.join('\n')}`);
process.exit(0);
