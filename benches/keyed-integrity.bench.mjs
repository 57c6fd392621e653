// What keyed integrity (HMAC-SHA256 frame) costs on a 1 KB L2 hit, against the plain
// checksummed envelope, same run: through Redis on loopback (started here) and through the
// in-process memory backend, where the codec's share of the hit is largest. Interleaved
// batches, so machine drift hits both cases alike. Reports, asserts nothing.
// Run: node benches/keyed-integrity.bench.mjs
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cache, MemoryBackend, RedisBackend } from 'cachekit';
import { startBenchRedis } from './lib/redis-server.mjs';

const require = createRequire(import.meta.url);
const { userPayload } = require('./lib/payload.js');
const { interleavedBatches, median, spread } = require('./lib/rounds.js');

const redis = await startBenchRedis();
const backends = { 'Redis (loopback)': new RedisBackend({ url: redis.url }), 'memory backend': new MemoryBackend() };
const masterKey = 'c3'.repeat(32);
const value = userPayload(1);
const ROUNDS = Number(process.env.KEYED_ROUNDS ?? 7);

const sections = [];
for (const [label, backend] of Object.entries(backends)) {
  const common = { backend, l1: false, decodeMemo: false, module: 'bench.keyed' };
  const plain = cache(async function plainL2() { return value; }, { ...common, name: `plain_${label}` });
  const keyed = cache(async function keyedL2() { return value; }, { ...common, name: `keyed_${label}`, integrity: { masterKey } });
  for (const f of [plain, keyed]) {
    await f();
    await f.flush();
  }
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    rounds.push(await interleavedBatches([
      { name: 'plain', fn: () => plain() },
      { name: 'keyed', fn: () => keyed() },
    ], { batches: 200, batchSize: 25, warmup: round === 0 ? 500 : 50 }));
  }
  const plainUs = rounds.map((r) => r[0].medianUs);
  const keyedUs = rounds.map((r) => r[1].medianUs);
  const deltas = rounds.map((r) => r[1].medianUs - r[0].medianUs);
  sections.push([
    `### 1 KB L2 hit, ${label}: ${ROUNDS} interleaved rounds (median, range)`,
    '',
    '| case | µs per call | keyed ÷ plain | keyed − plain (µs) |',
    '| --- | ---: | ---: | ---: |',
    `| plain envelope (xxHash3) | ${spread(plainUs)} | 1.00 | — |`,
    `| keyed integrity (HMAC-SHA256) | ${spread(keyedUs)} | ${spread(rounds.map((r) => r[1].ratio))} | ${median(deltas).toFixed(2)} |`,
  ].join('\n'));
}
const report = `${sections.join('\n\n')}\n\nPer entry, the keyed frame adds 52 bytes (magic 4, key fingerprint 16, tag 32).\n\nNode ${process.version}, ${process.arch}; ${new Date().toISOString()}\n`;
console.log(report);
writeFileSync(new URL('./results/keyed-integrity.md', import.meta.url), report);
for (const backend of Object.values(backends)) await backend.close?.();
await redis.stop();
process.exit(0);
