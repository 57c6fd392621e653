/**
 * A child process for the distributed lock test: it connects to the real Redis, announces
 * `ready`, waits for `go` on stdin, then fires CALLS concurrent cached calls on one cold key,
 * the way the cache wrapper does (read → single-flight → lock → compute + publish), and prints
 * one JSON line with what happened.
 *
 * argv: redisUrl key counterKey mode(calls through 'single-flight' or 'lock-only') calls
 */
import { RedisBackend } from '../../../src/backends/redis/backend';
import { runWithLock, type LockOutcome } from '../../../src/reliability/distributed-lock';
import { ResilientBackend } from '../../../src/reliability/resilient-backend';

const [redisUrl, key, counterKey, mode, callsText] = process.argv.slice(2);
if (redisUrl === undefined || key === undefined || counterKey === undefined || callsText === undefined) {
  throw new Error('usage: lock-contender redisUrl key counterKey mode calls');
}
const calls = Number(callsText);

const redis = new RedisBackend({ url: redisUrl });
// Generous deadlines: this test proves the lock protocol, not latency on a busy shared VM.
const backend = new ResilientBackend(redis, { timeouts: { initialMs: 5_000, minMs: 5_000, maxMs: 5_000 } });
/** Calls of this process that share one run, as the cache's own single-flight does. */
let flight: Promise<CallOutcome> | undefined;
function sharedRun(run: () => Promise<CallOutcome>): Promise<CallOutcome> {
  flight ??= run().finally(() => (flight = undefined));
  return flight;
}
let localRuns = 0;

async function readCache(): Promise<string | undefined> {
  const result = await backend.get(key!);
  return result.ok && result.value !== null ? result.value.toString() : undefined;
}

async function compute(): Promise<string> {
  localRuns++;
  await redis.client.incr(counterKey!);
  // The function takes a while, so the other contenders really overlap with it.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const value = `computed-by-${process.pid}`;
  await backend.set(key!, Buffer.from(value), 60);
  return value;
}

interface CallOutcome {
  value: string;
  source: 'hit' | 'computed' | 'cache';
  lock: LockOutcome | 'none';
}

async function cachedCall(): Promise<CallOutcome> {
  const hit = await readCache();
  if (hit !== undefined) return { value: hit, source: 'hit', lock: 'none' };
  const result = await runWithLock({ backend, key: key!, leaseMs: 10_000, waitTimeoutMs: 20_000, recheck: readCache, compute });
  return { value: result.value, source: result.source, lock: result.lock };
}

async function main(): Promise<void> {
  // Warm the connection so the burst is not the first command.
  await redis.client.ping();
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  // An open stdin would keep this process alive after the work is done.
  process.stdin.destroy();
  const outcomes = await Promise.all(
    Array.from({ length: calls }, () => (mode === 'single-flight' ? sharedRun(cachedCall) : cachedCall())),
  );
  process.stdout.write(`${JSON.stringify({ pid: process.pid, localRuns, outcomes, stats: backend.stats() })}\n`);
  await backend.close();
  await redis.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
