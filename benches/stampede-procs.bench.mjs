// 4 processes × 250 concurrent calls on one cold key, `cache.production` (distributed lock),
// Redis only, a 50 ms function. Goal: the function runs once, and the slowest process's wall
// time (from the first process's start to its last answer) ≤ 1.5 × the function's.
// Unlike the fault scenario 6b (one burst of processes started cold, code under tsx), each
// process here is started once and warmed up, then takes part in many bursts, each on a new
// key, released together by one line on every stdin; figures are medians over the bursts.
// Run: node benches/stampede-procs.bench.mjs   (STAMPEDE_BURSTS=… to change the number of bursts)
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { startBenchRedis } from './lib/redis-server.mjs';
import { publishReport } from './lib/report.mjs';

const require = createRequire(import.meta.url);
const { median, spread } = require('./lib/rounds.js');

const PROCESSES = 4;
const CALLS = 250;
const FUNCTION_MS = 50;
const BURSTS = Number(process.env.STAMPEDE_BURSTS ?? 20);
// STAMPEDE_WARMUPS=0 (with STAMPEDE_BURSTS=1): processes as cold as the fault scenario's.
const WARMUPS = Number(process.env.STAMPEDE_WARMUPS ?? 20);

const redis = await startBenchRedis();
const namespace = `procs${process.pid}`;
const peers = Array.from({ length: PROCESSES }, () => {
  // PEER_NODE_ARGS: extra node options for the processes (e.g. --cpu-prof to profile them).
  const nodeArgs = (process.env.PEER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, new URL('./lib/stampede-peer.mjs', import.meta.url).pathname, redis.url, namespace, String(CALLS), String(FUNCTION_MS)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, STAMPEDE_WARMUPS: String(WARMUPS) },
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, next: async () => (await lines.next()).value };
});
for (const peer of peers) if ((await peer.next()) !== 'ready') throw new Error('a peer did not start');

const bursts = [];
for (let burst = 0; burst < BURSTS; burst++) {
  for (const peer of peers) peer.child.stdin.write(`${burst}\n`);
  const reports = await Promise.all(peers.map(async (peer) => JSON.parse(await peer.next())));
  const start = Math.min(...reports.map((r) => r.startedAt));
  const holder = reports.find((r) => r.runs > 0);
  bursts.push({
    runs: reports.reduce((sum, r) => sum + r.runs, 0),
    wall: Math.max(...reports.map((r) => r.endedAt)) - start,
    ownWall: Math.max(...reports.map((r) => r.endedAt - r.startedAt)),
    holderEnd: holder === undefined ? Number.NaN : holder.endedAt - start,
    waiterFirst: Math.max(...reports.filter((r) => r !== holder).map((r) => r.firstAt)) - start,
    skew: Math.max(...reports.map((r) => r.startedAt)) - start,
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
}
for (const peer of peers) peer.child.stdin.end('exit\n');

const column = (name) => bursts.map((b) => b[name]);
publishReport('stampede-procs', [
  `## Stampede across ${PROCESSES} processes × ${CALLS} calls, one cold key, ${FUNCTION_MS} ms function, cache.production, Redis only (${BURSTS} bursts, processes warmed up by ${WARMUPS} bursts of their own)`,
  '',
  '| figure | median (min–max) |',
  '| --- | ---: |',
  `| slowest process's wall ÷ the function (goal ≤ 1.5) | ${spread(column('wall').map((w) => w / FUNCTION_MS))} |`,
  `| slowest process's wall, ms | ${spread(column('wall'))} |`,
  `| slowest process's own wall (its start → its last answer) ÷ the function | ${spread(column('ownWall').map((w) => w / FUNCTION_MS))} |`,
  `| the lock holder's last answer, ms from the first start | ${spread(column('holderEnd'))} |`,
  `| the slowest waiting process's first answer, ms | ${spread(column('waiterFirst'))} |`,
  `| release skew between processes, ms | ${spread(column('skew'))} |`,
  `| function runs per burst | ${median(column('runs'))} (max ${Math.max(...column('runs'))}) |`,
], 'redis on loopback');
await redis.stop();
process.exit(0);
