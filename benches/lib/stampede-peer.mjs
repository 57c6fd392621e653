// One process of benches/stampede-procs.bench.mjs. argv: redisUrl namespace calls functionMs.
// Connects, warms its code up on keys of its own (a long-running service's code is warm; a
// cold one pays the JIT on top, which the fault scenario 6b measures), prints `ready`, then
// for each line on stdin (a key id) fires `calls` concurrent calls on that key and prints one
// JSON line: runs of the function, when the burst started, when the first and the last call
// were answered (epoch ms with sub-ms precision, comparable across processes).
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { cache, RedisBackend } from 'cachekit';

const [redisUrl, namespace, callsText, functionMsText] = process.argv.slice(2);
const calls = Number(callsText);
const functionMs = Number(functionMsText);
const wallNow = () => performance.timeOrigin + performance.now();
let runs = 0;
const load = async (id) => {
  runs++;
  await sleep(functionMs);
  return { id, name: `user ${id}`, tags: ['a', 'b', 'c'], scores: [1, 2, 3] };
};
const backend = new RedisBackend({ url: redisUrl });
const cached = cache.production(load, { backend, namespace, name: 'stampedeProcs', ttl: 600, l1: false, module: 'bench' });
const burst = async (id) => {
  const startedAt = wallNow();
  let firstAt = 0;
  await Promise.all(
    Array.from({ length: calls }, () =>
      cached(id).then((value) => {
        if (value.id !== id) throw new Error('wrong value');
        if (firstAt === 0) firstAt = wallNow();
      }),
    ),
  );
  return { startedAt, firstAt, endedAt: wallNow() };
};
// Warm-up: bursts on keys only this process uses (it holds the lock and computes).
const warmups = Number(process.env.STAMPEDE_WARMUPS ?? 20);
for (let i = 0; i < warmups; i++) await burst(-1 - process.pid * 100 - i);
// Without warm-up the connection is still opened first: the bursts measure the lock, not the handshake.
if (warmups === 0) await cached.checkHealth();
runs = 0;
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'exit') break;
  runs = 0;
  const times = await burst(Number(line));
  process.stdout.write(`${JSON.stringify({ pid: process.pid, runs, ...times })}\n`);
}
await cached.flush();
await backend.close();
process.exit(0);
