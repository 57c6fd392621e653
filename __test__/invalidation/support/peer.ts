/**
 * One process of the coherence tests: a cached `lookup(id)` whose source of truth is the raw
 * Redis key `truth:{ns}:{id}` (read on every run), with L1 on, driven by lines on stdin:
 *
 *   read <id>            → prints `value <id> <value> <ran> <l1>` (ran: 1 when the function ran; l1: 1 for an L1 hit)
 *   write <id> <value>   → sets the truth, invalidates, recomputes (a write that is announced) → `written <id> <wall ms>`
 *   change <id> <value>  → sets the truth and invalidates (no recompute) → `changed <id> <wall ms>`
 *   watch <id> <value>   → reads in a loop until it sees `value` → `seen <id> <wall ms>` (answered later;
 *                          the write that makes it true comes from another process meanwhile)
 *   invalidate <id>      → `invalidated <id>`
 *   clear                → `cleared`
 *   stats                → one JSON line of the bus's counters and health
 *   quit                 → closes the backend and exits
 *
 * argv: redis (a URL, or RedisBackendOptions as JSON: Sentinel, Cluster) namespace [invalidationJson]
 */
import { createInterface } from 'node:readline';
import { cache, RedisBackend, type RedisBackendOptions } from '../../../src';
import { runPeer } from './run-peer';

const [redisUrl, namespace, invalidationJson] = process.argv.slice(2);
if (redisUrl === undefined || namespace === undefined) throw new Error('usage: peer redisUrl namespace [invalidationJson]');

/** Wall-clock ms with sub-millisecond precision, comparable across processes on one machine. */
const wallNow = () => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  const options = (redisUrl!.startsWith('{') ? JSON.parse(redisUrl!) : { url: redisUrl! }) as RedisBackendOptions;
  const backend = new RedisBackend(options);
  // The source of truth, through a connection of the same kind (standalone, Sentinel or Cluster).
  const raw = backend.client.duplicate();
  let ran = false;
  const lookup = cache(
    async (id: number) => {
      ran = true;
      return (await raw.get(`truth:${namespace}:${id}`)) ?? 'none';
    },
    {
      backend,
      namespace,
      name: 'lookup',
      module: 'coherence',
      ttl: 600,
      ...(invalidationJson === undefined ? {} : { invalidation: JSON.parse(invalidationJson) as false }),
    },
  );
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [command, idText, value] = line.trim().split(' ');
    const id = Number(idText);
    if (command === 'read') {
      ran = false;
      const l1HitsBefore = lookup.cacheInfo().l1Hits;
      const got = await lookup(id);
      const l1 = lookup.cacheInfo().l1Hits > l1HitsBefore;
      process.stdout.write(`value ${id} ${String(got)} ${ran ? 1 : 0} ${l1 ? 1 : 0}\n`);
    } else if (command === 'write') {
      await raw.set(`truth:${namespace}:${id}`, value ?? '');
      await lookup.invalidate(id);
      await lookup(id);
      await lookup.flush();
      process.stdout.write(`written ${id} ${wallNow()}\n`);
    } else if (command === 'change') {
      await raw.set(`truth:${namespace}:${id}`, value ?? '');
      await lookup.invalidate(id);
      process.stdout.write(`changed ${id} ${wallNow()}\n`);
    } else if (command === 'watch') {
      void (async () => {
        // 1 ms between reads: a busy loop in three processes would starve the one making the change.
        while ((await lookup(id)) !== value) await new Promise((resolve) => setTimeout(resolve, 1));
        process.stdout.write(`seen ${id} ${wallNow()}\n`);
      })();
    } else if (command === 'invalidate') {
      await lookup.invalidate(id);
      process.stdout.write(`invalidated ${id}\n`);
    } else if (command === 'clear') {
      await lookup.cacheClear();
      process.stdout.write('cleared\n');
    } else if (command === 'stats') {
      process.stdout.write(`${JSON.stringify(lookup.getHealthStatus())}\n`);
    } else if (command === 'quit') {
      break;
    }
  }
  await backend.close();
  raw.disconnect();
}

runPeer(main);
