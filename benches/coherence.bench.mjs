// How fast the invalidation bus makes other processes see a change (issue 14's goal: p99 ≤ 10 ms
// on loopback, max ≤ the degraded TTL). Four processes share one cached function with L1 on
// over a redis-server this script starts; 10,000 changes are spread across them, alternating a
// write (recompute + store, announced) and an invalidation (announced; the others recompute).
// For each change the other three processes already hold the old value in L1 and read in a loop
// until they see the new one; the figure is the time from the change's completion in its
// process to the last of the three seeing it (wall clock, sub-millisecond, one machine).
//   node benches/coherence.bench.mjs [changes]
import { randomBytes } from 'node:crypto';
import { startBenchRedis } from './lib/redis-server.mjs';

const { PeerProcess } = await import('../__test__/invalidation/support/peer-process.ts');

const CHANGES = Number(process.argv[2] ?? 10_000);
const PROCESSES = 4;
const KEYS = 100;

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const redis = await startBenchRedis();
const namespace = `coherence-${randomBytes(3).toString('hex')}`;
const peers = Array.from({ length: PROCESSES }, () => new PeerProcess(redis.url, namespace));
try {
  // Every process holds every key in L1.
  for (let id = 0; id < KEYS; id++) await peers[0].ask(`write ${id} v0-${id}`);
  for (const peer of peers) for (let id = 0; id < KEYS; id++) await peer.read(id);
  const latencies = [];
  const started = performance.now();
  for (let i = 0; i < CHANGES; i++) {
    const id = i % KEYS;
    const value = `v${i + 1}-${id}`;
    const changer = peers[i % PROCESSES];
    const others = peers.filter((p) => p !== changer);
    const seen = others.map((p) => p.ask(`watch ${id} ${value}`));
    const done = await changer.ask(`${i % 2 === 0 ? 'write' : 'change'} ${id} ${value}`);
    const changedAt = Number(done.split(' ')[2]);
    const seenAt = (await Promise.all(seen)).map((line) => Number(line.split(' ')[2]));
    latencies.push(Math.max(...seenAt) - changedAt);
  }
  const elapsed = performance.now() - started;
  const sorted = Float64Array.from(latencies).sort();
  const round = (x) => Math.round(x * 100) / 100;
  console.log(`\n### Coherence: a change in one of ${PROCESSES} processes, until every other one reads it\n`);
  console.log('| changes | p50 ms | p99 ms | max ms | changes/s |');
  console.log('| ---: | ---: | ---: | ---: | ---: |');
  console.log(`| ${CHANGES.toLocaleString('en')} | ${round(percentile(sorted, 50))} | ${round(percentile(sorted, 99))} | ${round(sorted[sorted.length - 1])} | ${Math.round((CHANGES / elapsed) * 1000)} |`);
  console.log(`\nNode ${process.version}; degraded TTL 1 s (default); ${new Date().toISOString()}`);
} finally {
  await Promise.all(peers.map((p) => p.quit()));
  await redis.stop();
}
