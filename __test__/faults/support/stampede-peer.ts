/**
 * One process of the cross-process stampede scenario. It wraps the workload with the public
 * `cache.production` (distributed lock on), connects, prints `ready`, waits for `go` on stdin,
 * then fires CALLS concurrent calls on one cold key and prints one JSON line: its runs, whether
 * every value was right, and when its burst started and ended on the wall clock (epoch ms with
 * sub-millisecond precision, comparable across processes).
 *
 * argv: redisUrl namespace calls functionMs
 */
import { cache, RedisBackend } from '../../../src';
import { CallLog } from '../scenarios/calls';
import { CountingLogger } from '../scenarios/setup';
import { Workload } from '../scenarios/workload';

const [redisUrl, namespace, callsText, functionMsText] = process.argv.slice(2);
if (redisUrl === undefined || namespace === undefined || callsText === undefined || functionMsText === undefined) {
  throw new Error('usage: stampede-peer redisUrl namespace calls functionMs');
}

/** Wall-clock time in ms with sub-millisecond precision. */
const wallNow = () => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  const backend = new RedisBackend({ url: redisUrl! });
  const workload = new Workload(Number(functionMsText));
  const cached = cache.production(workload.fn, { backend, namespace, name: 'stampede', ttl: 600, l1: false, logger: new CountingLogger() });
  // Connect before the burst: the scenario measures the lock, not the TCP handshake.
  const health = await cached.checkHealth();
  if (health.backendCheck?.ok !== true) throw new Error(`Redis not reachable: ${JSON.stringify(health.backendCheck)}`);
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  process.stdin.destroy();
  const log = new CallLog();
  const startedAt = wallNow();
  await Promise.all(Array.from({ length: Number(callsText) }, () => log.record(workload, cached, 7, 7)));
  const endedAt = wallNow();
  const summary = log.summary();
  const info = cached.cacheInfo();
  process.stdout.write(`${JSON.stringify({ pid: process.pid, runs: workload.runs, startedAt, endedAt, summary, l2Hits: info.l2Hits })}\n`);
  await cached.flush();
  await backend.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
