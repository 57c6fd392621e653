/**
 * The other process of the lone caller's `lock-wait` mode: with `cache.production`, it starts
 * calls on the keys the lone caller will ask for, with a function that runs far longer than the
 * lone caller's lock wait, so it holds (and renews) every one of those locks. Prints `holding`
 * once every function is running, and exits when stdin closes.
 *
 * argv: redisUrl namespace keys
 */
import { cache, RedisBackend } from '../../../src';
import { CountingLogger } from '../scenarios/setup';
import { FIRST_KEY, LOCK_WAIT_MS, LONE_IDENTITY } from './lone-caller';

const [redisUrl, namespace, keysText] = process.argv.slice(2);
if (redisUrl === undefined || namespace === undefined || keysText === undefined) throw new Error('usage: lock-holder redisUrl namespace keys');

async function main(): Promise<void> {
  const backend = new RedisBackend({ url: redisUrl! });
  let running = 0;
  const keys = Number(keysText);
  const release = new Promise<void>((resolve) => process.stdin.on('end', resolve).resume());
  const slow = cache.production(
    async (a: number, b: number) => {
      if (++running === keys) process.stdout.write('holding\n');
      await release;
      return { a, b };
    },
    { backend, namespace, ttl: 600, logger: new CountingLogger(), reliability: { lock: { waitTimeoutMs: LOCK_WAIT_MS } }, ...LONE_IDENTITY },
  );
  await Promise.all(Array.from({ length: keys }, (_, i) => slow(FIRST_KEY + i, 1)));
  await backend.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
