/**
 * The writing process of the cross-process value test: wraps `(i) => values[i]` for every
 * serializer, encrypted and not, calls it once per value (each call a miss that writes L2),
 * waits for the writes and exits.
 *
 * argv: redisUrl runId seed
 */
import { cache, RedisBackend } from '../../../src';
import { SERIALIZERS, TEST_MASTER_KEY, sharedIdentity, valuesFor, type SerializerUnderTest } from './generated-values';

const [redisUrl, runId, seedText] = process.argv.slice(2);
if (redisUrl === undefined || runId === undefined || seedText === undefined) throw new Error('usage: value-writer redisUrl runId seed');

async function main(): Promise<void> {
  const backend = new RedisBackend({ url: redisUrl! });
  for (const serializer of Object.keys(SERIALIZERS) as SerializerUnderTest[]) {
    const values = valuesFor(serializer, Number(seedText));
    for (const encrypted of [false, true]) {
      const write = cache(async (i: number) => values[i], {
        backend,
        serializer,
        ...sharedIdentity(runId!, serializer, encrypted),
        ...(encrypted ? { encryption: { masterKey: TEST_MASTER_KEY }, tenant: 'single' as const } : {}),
      });
      for (let i = 0; i < values.length; i++) await write(i);
      await write.flush();
    }
  }
  await backend.close();
  process.stdout.write('written\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
