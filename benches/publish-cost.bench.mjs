// What one announcement costs a write before any cachekit code runs: raw ioredis GET + SET EX
// (the miss + write baseline) against the same plus a PUBLISH to a channel this process also
// subscribes to (as every process on the invalidation bus does), interleaved batches.
// Run: node benches/publish-cost.bench.mjs
import { createRequire } from 'node:module';
import Redis from 'ioredis';
import { startBenchRedis } from './lib/redis-server.mjs';

const require = createRequire(import.meta.url);
const { interleavedBatches } = require('./lib/rounds.js');
const { userPayload } = require('./lib/payload.js');

const redis = await startBenchRedis();
const client = new Redis(redis.url);
const subscriber = new Redis(redis.url);
await subscriber.subscribe('bench:l1');
let delivered = 0;
subscriber.on('messageBuffer', () => delivered++);
const body = JSON.stringify(userPayload(42));
const announcement = Buffer.alloc(60); // about the size of a one-key bus message
let id = 0;

const rows = await interleavedBatches(
  [
    {
      name: 'raw GET + SET EX',
      fn: async () => {
        const key = `pub:${id++}`;
        if ((await client.get(key)) === null) await client.set(key, body, 'EX', 3600);
      },
    },
    {
      name: 'raw GET + SET EX, then PUBLISH once the SET landed',
      fn: async () => {
        const key = `pub:${id++}`;
        if ((await client.get(key)) === null) {
          await client.set(key, body, 'EX', 3600);
          void client.publish('bench:l1', announcement);
        }
      },
    },
    {
      name: 'raw GET + SET EX with the PUBLISH in the same write',
      fn: async () => {
        const key = `pub:${id++}`;
        if ((await client.get(key)) === null) {
          const write = client.set(key, body, 'EX', 3600);
          void client.publish('bench:l1', announcement);
          await write;
        }
      },
    },
  ],
  { batches: Number(process.env.BATCHES ?? 600) },
);
console.log('| case | µs per call | × raw GET + SET |\n| --- | ---: | ---: |');
for (const row of rows) console.log(`| ${row.name} | ${row.medianUs.toFixed(1)} | ${row.ratio.toFixed(2)} |`);
console.log(`\n(${delivered} announcements delivered to the subscriber)`);
client.disconnect();
subscriber.disconnect();
await redis.stop();
