/**
 * Child process for the wrapper lifecycle tests. It builds caches against a real Redis through
 * the public API, leaves background work behind (writes in flight, a stale-while-revalidate
 * refresh, a lock lease being renewed for a function that never finishes, a lock waiter
 * polling), closes the backend and returns from `main`. Nothing may keep it alive after that:
 * the parent only waits for it to exit by itself.
 *
 * argv: redisUrl mode
 *   used          use the caches, then close the backend right away
 *   frozen        use them, print `used`, wait for `close` on stdin (the parent freezes Redis
 *                 first), then close
 *   never-called  build caches on a backend and never call them; do not close
 *   long-ttl      TTLs above 2^31 ms: check they are cached (L1 and L2) and no timer overflows
 *
 * Prints `returned` at the end of `main`, and `warnings <json>` (process warnings seen) at exit.
 */
import { cache, RedisBackend } from '../../../src';
import { CountingLogger } from '../scenarios/setup';

const [redisUrl, mode] = process.argv.slice(2);
if (redisUrl === undefined || mode === undefined) throw new Error('usage: exit-after-close redisUrl mode');

const warnings: string[] = [];
process.on('warning', (warning) => warnings.push(`${warning.name}: ${warning.message}`));
// Written at exit, so warnings raised after `main` returned (a timer that overflowed) count too.
process.on('exit', () => process.stdout.write(`warnings ${JSON.stringify(warnings)}\nexit ${Math.round(performance.now())}\n`));

const namespace = `exit-${process.pid}-${Date.now()}`;
const logger = new CountingLogger();

function line(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** A cached function's control surface this script needs. */
interface Flushable {
  flush(): Promise<void>;
}

async function useCaches(backend: RedisBackend): Promise<Flushable[]> {
  let runs = 0;
  const square = cache(async (n: number) => (runs++, n * n), { backend, namespace, name: 'square', ttl: 60, logger });
  // SWR: with a 2 s TTL the second half of the entry's life triggers a background refresh.
  const swr = cache(async (n: number) => n + 1, { backend, namespace, name: 'swr', ttl: 2, logger, l1: { swr: true, swrThreshold: 0.01 } });
  const locked = cache.production(async (n: number) => n * 2, { backend, namespace, name: 'locked', ttl: 60, logger });
  const neverReturns = () => new Promise<number>(() => {});
  const never = cache.production(neverReturns, { backend, namespace, name: 'never', ttl: 60, logger });

  if ((await square(3)) !== 9 || (await square(3)) !== 9 || runs !== 1) throw new Error('square was not cached');
  await swr(1);
  await new Promise((resolve) => setTimeout(resolve, 50));
  await swr(1); // stale: refreshes in the background
  await locked(4);
  // A function that never returns, holding the lock: its lease is renewed in the background.
  void never();
  // Another call of it in a second wrapper of the same function waits for the lock (polling in the background).
  const neverWaiter = cache.production(neverReturns, { backend, namespace, name: 'never', ttl: 60, logger });
  void neverWaiter();
  // Writes left in flight.
  for (let i = 0; i < 50; i++) void square(100 + i);
  return [square, swr, locked, never, neverWaiter];
}

async function longTtl(backend: RedisBackend): Promise<void> {
  let runs = 0;
  const count = async (n: number) => (runs++, n);
  const thirtyDays = cache(count, { backend, namespace, name: 'thirtyDays', ttl: '30d', logger });
  const tenYears = cache(count, { backend, namespace, name: 'tenYears', ttl: 315_360_000, logger });
  for (const fn of [thirtyDays, tenYears]) {
    await fn(1);
    await fn.flush();
    // A TTL that overflowed a timer would expire the L1 entry at once: the second call must hit.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await fn(1);
  }
  // The same function without L1 reads the L2 copy.
  const again = cache(count, { backend, namespace, name: 'thirtyDays', ttl: '30d', logger, l1: false });
  await again(1);
  const [key] = await backend.client.keys(`*${namespace}*thirtyDays*`);
  const ttl = key === undefined ? null : await backend.getTtl(key);
  line(`ttl ${JSON.stringify({ runs, l1Hits: thirtyDays.cacheInfo().l1Hits + tenYears.cacheInfo().l1Hits, l2Hits: again.cacheInfo().l2Hits, ttlSeconds: ttl })}`);
}

async function main(): Promise<void> {
  const backend = new RedisBackend({ url: redisUrl! });
  if (mode === 'never-called') {
    cache(async (n: number) => n, { backend, namespace, name: 'idle', logger });
    cache.production(async (n: number) => n, { backend, namespace, name: 'idleLocked', logger });
  } else if (mode === 'long-ttl') {
    await longTtl(backend);
    await backend.close();
  } else {
    const caches = await useCaches(backend);
    if (mode === 'frozen') {
      line('used');
      await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
      process.stdin.destroy();
    }
    await backend.close();
    // Background writes and refreshes end once the backend is closed: flush() must resolve.
    const flushStarted = performance.now();
    await Promise.all(caches.map((c) => c.flush()));
    line(`flushed ${Math.round(performance.now() - flushStarted)}`);
  }
  line(`returned ${Math.round(performance.now())}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
