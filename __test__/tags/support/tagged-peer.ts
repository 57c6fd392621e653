/**
 * One process of the tag tests: two cached lookups over the raw Redis keys
 * `truth:{ns}:{tenant}:{id}` (read on every run), the tenant taken from the first argument:
 * `product(tenant, id)` tagged `product:{id}` and `category:{id % 2}`, and `plain(tenant, id)`
 * without tags. Driven by lines on stdin, one answer line each:
 *
 *   read <product|plain> <tenant> <id>  → `value <value> <ran> <l1>` (ran: the function ran; l1: L1 answered)
 *   tag <tenant> <tag>                  → invalidates the tag for the tenant → `tagged <true|false>`
 *   quit                                → closes the backend and exits
 *
 * argv: redis (a URL, or RedisBackendOptions as JSON: Sentinel, Cluster) namespace
 */
import { createInterface } from 'node:readline';
import { cache, RedisBackend, type RedisBackendOptions } from '../../../src';
import { runPeer } from '../../invalidation/support/run-peer';

const [redisUrl, namespace] = process.argv.slice(2);
if (redisUrl === undefined || namespace === undefined) throw new Error('usage: tagged-peer redisUrl namespace');

async function main(): Promise<void> {
  const backend = new RedisBackend((redisUrl!.startsWith('{') ? JSON.parse(redisUrl!) : { url: redisUrl! }) as RedisBackendOptions);
  const raw = backend.client.duplicate();
  let ran = false;
  const lookup = async (tenant: string, id: number) => {
    ran = true;
    return (await raw.get(`truth:${namespace}:${tenant}:${id}`)) ?? 'none';
  };
  const common = { backend, namespace, module: 'tags', ttl: 600, tenant: (tenant: string) => tenant };
  const functions = {
    product: cache(lookup, { ...common, name: 'product', tags: (_tenant, id) => [`product:${id}`, `category:${id % 2}`] }),
    plain: cache(lookup, { ...common, name: 'plain' }),
  };
  for await (const line of createInterface({ input: process.stdin })) {
    const [command, ...rest] = line.trim().split(' ');
    if (command === 'read') {
      const [which, tenant, idText] = rest as [keyof typeof functions, string, string];
      const fn = functions[which];
      ran = false;
      const before = fn.cacheInfo().l1Hits;
      const value = await fn(tenant, Number(idText));
      await fn.flush();
      process.stdout.write(`value ${value} ${ran ? 1 : 0} ${fn.cacheInfo().l1Hits > before ? 1 : 0}\n`);
    } else if (command === 'tag') {
      const [tenant, tag] = rest as [string, string];
      process.stdout.write(`tagged ${await functions.product.invalidateTags([tag], { tenant })}\n`);
    } else if (command === 'quit') {
      break;
    }
  }
  await backend.close();
  raw.disconnect();
}

runPeer(main);
