/**
 * One caller on an otherwise idle process, the way a quiet service meets a frozen Redis: it
 * wraps the workload with the public `cache()` or `cache.production` (defaults otherwise, L1
 * on), warms the adaptive timeout, prints `ready <timeoutMs>`, waits for `go` on stdin (the
 * parent has frozen Redis by then), then makes CALLS sequential calls on keys not cached yet,
 * with a pause between calls, and prints one JSON line per call and a final `done`. Nothing
 * else runs in the process: no timer, no socket traffic, no other caller keeps its event loop
 * awake, so every bound the cache sets must wake the loop by itself.
 *
 * argv: redisUrl namespace preset(default|production) calls functionMs
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { cache, RedisBackend } from '../../../src';
import { CallLog } from '../scenarios/calls';
import { CountingLogger } from '../scenarios/setup';
import { Workload } from '../scenarios/workload';

const [redisUrl, namespace, preset, callsText, functionMsText] = process.argv.slice(2);
if (redisUrl === undefined || namespace === undefined || callsText === undefined || functionMsText === undefined) {
  throw new Error('usage: lone-caller redisUrl namespace default|production calls functionMs');
}

/** Pause between two calls, ms: the caller is idle then, and so is its process. */
const PAUSE_MS = 100;
const WARMUP_CALLS = 40;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const backend = new RedisBackend({ url: redisUrl! });
  const workload = new Workload(Number(functionMsText));
  const factory = preset === 'production' ? cache.production : cache;
  const cached = factory(workload.fn, { backend, namespace, name: 'lone', ttl: 600, logger: new CountingLogger() });
  const getTimeout = () => cached.getHealthStatus().backend?.reliability.timeouts.get?.timeoutMs ?? Number.NaN;
  const health = await cached.checkHealth();
  if (health.backendCheck?.ok !== true) throw new Error(`Redis not reachable: ${JSON.stringify(health.backendCheck)}`);
  // Warm-up: misses and hits one after another, so the adaptive timeout learns this Redis.
  for (let i = 0; i < WARMUP_CALLS; i++) await cached(i, 0);
  await cached.flush();
  const stdin = createInterface({ input: process.stdin });
  process.stdout.write(`ready ${getTimeout()}\n`);
  await once(stdin, 'line');
  const log = new CallLog();
  for (let i = 0; i < Number(callsText); i++) {
    await sleep(PAUSE_MS);
    const timeoutMs = getTimeout();
    const record = await log.record(workload, cached, 1_000 + i, 1);
    process.stdout.write(`${JSON.stringify({ ...record, timeoutMs, breaker: cached.getHealthStatus().backend?.reliability.breaker?.state })}\n`);
  }
  process.stdout.write('done\n');
  // The parent resumes Redis after `done`; then the writes left in the background can land.
  await once(stdin, 'line');
  stdin.close();
  await cached.flush();
  await backend.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
