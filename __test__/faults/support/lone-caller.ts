/**
 * One caller on an otherwise idle process, the way a quiet service meets a cache in trouble. It
 * wraps the workload with the public `cache()` or `cache.production` (defaults otherwise, L1 on),
 * warms the adaptive timeout, prints `ready <timeoutMs>`, waits for `go` on stdin (the parent
 * has set up the fault by then), then makes CALLS sequential calls on keys not cached yet, with
 * a pause between calls, and prints one JSON line per call and a final `done`. Nothing else runs
 * in the process: no timer, no socket traffic, no other caller keeps its event loop awake, so
 * every bound the cache sets must wake the loop by itself.
 *
 * Modes:
 *  - `default`, `production`: the parent freezes Redis; each call is bounded by the adaptive deadline.
 *  - `lock-wait`: `cache.production`; another process (`lock-holder.ts`) holds the lock of every
 *    key asked for; each call is bounded by the lock's wait timeout.
 *  - `signal`: `cache()` with adaptive timeouts off; the parent freezes Redis; each call carries
 *    an `AbortSignal.timeout(SIGNAL_MS)` and is bounded by it.
 *
 * argv: redisUrl namespace mode calls functionMs
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { cache, RedisBackend } from '../../../src';
import { CallLog } from '../scenarios/calls';
import { CountingLogger } from '../scenarios/setup';
import { Workload } from '../scenarios/workload';

/** Modes of the lone caller (see the header). */
export type LoneCallerMode = 'default' | 'production' | 'lock-wait' | 'signal';

/** Lock wait bound in `lock-wait` mode (both processes use it), ms. */
export const LOCK_WAIT_MS = 600;
/** The per-call signal's timeout in `signal` mode, ms. */
export const SIGNAL_MS = 40;
/** First argument of the keys the lone caller asks for (the lock holder holds the same ones). */
export const FIRST_KEY = 1_000;
/** Identity shared with `lock-holder.ts` so both processes use the same keys. */
export const LONE_IDENTITY = { module: 'faults', name: 'lone' } as const;

/** Pause between two calls, ms: the caller is idle then, and so is its process. */
const PAUSE_MS = 100;
const WARMUP_CALLS = 40;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function main(redisUrl: string, namespace: string, mode: LoneCallerMode, calls: number, functionMs: number): Promise<void> {
  const backend = new RedisBackend({ url: redisUrl });
  const workload = new Workload(functionMs);
  const common = { backend, namespace, ttl: 600, logger: new CountingLogger(), ...LONE_IDENTITY };
  const cached =
    mode === 'production' || mode === 'lock-wait'
      ? cache.production(workload.fn, { ...common, reliability: { lock: { waitTimeoutMs: LOCK_WAIT_MS } } })
      : cache(workload.fn, { ...common, ...(mode === 'signal' ? { reliability: { timeouts: false } } : {}) });
  const call = (a: number, b: number) => (mode === 'signal' ? cached.withSignal(AbortSignal.timeout(SIGNAL_MS))(a, b) : cached(a, b));
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
  for (let i = 0; i < calls; i++) {
    await sleep(PAUSE_MS);
    const timeoutMs = getTimeout();
    const record = await log.record(workload, call, FIRST_KEY + i, 1);
    process.stdout.write(`${JSON.stringify({ ...record, timeoutMs, breaker: cached.getHealthStatus().backend?.reliability.breaker?.state })}\n`);
  }
  process.stdout.write('done\n');
  // The parent lifts the fault after `done`; then the writes left in the background can land.
  await once(stdin, 'line');
  stdin.close();
  await cached.flush();
  await backend.close();
}

if (process.argv[1]?.endsWith('lone-caller.ts') === true) {
  const [redisUrl, namespace, mode, calls, functionMs] = process.argv.slice(2);
  if (redisUrl === undefined || namespace === undefined || mode === undefined || calls === undefined || functionMs === undefined) {
    throw new Error('usage: lone-caller redisUrl namespace mode calls functionMs');
  }
  main(redisUrl, namespace, mode as LoneCallerMode, Number(calls), Number(functionMs)).catch((error: unknown) => {
    process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
    process.exit(1);
  });
}
