import { describe, expect, it } from 'vitest';
import { cache } from '../../src/cache';

describe('cache.local', () => {
  it('keeps a synchronous function synchronous and returns the same live object', () => {
    let created = 0;
    class Client {
      constructor(readonly region: string) {
        created++;
      }
    }
    const clientFor = cache.local(function clientFor(region: string) {
      return new Client(region);
    });
    const a = clientFor('eu');
    expect(a).toBeInstanceOf(Client);
    expect(clientFor('eu')).toBe(a);
    expect(clientFor('us')).not.toBe(a);
    expect(created).toBe(2);
    expect(clientFor.cacheInfo()).toMatchObject({ hits: 1, misses: 2, l1Hits: 1, l2Hits: 0, currsize: 2 });
  });

  it('shares an in-flight promise and never keeps a rejected one', async () => {
    let runs = 0;
    const load = cache.local(async function loadModel(name: string) {
      runs++;
      await new Promise((r) => setTimeout(r, 5));
      if (runs === 1) throw new Error('transient');
      return { name };
    });
    const [first, second] = await Promise.allSettled([load('m'), load('m')]);
    expect(first.status).toBe('rejected');
    expect(second.status).toBe('rejected');
    expect(runs).toBe(1);
    await new Promise((r) => setTimeout(r, 0));
    const model = await load('m');
    expect(model).toEqual({ name: 'm' });
    expect(await load('m')).toBe(model);
    expect(runs).toBe(2);
  });

  it('invalidate and cacheClear remove its entries', async () => {
    let runs = 0;
    const f = cache.local(function counter(n: number) {
      runs++;
      return { n };
    });
    f(1);
    f(2);
    expect(await f.invalidate(1)).toBe(true);
    f(1);
    expect(runs).toBe(3);
    expect(await f.cacheClear()).toBe(2);
    f(2);
    expect(runs).toBe(4);
  });

  it('honours its TTL', async () => {
    let runs = 0;
    const f = cache.local(function shortLived() {
      return ++runs;
    }, { ttl: '50ms' });
    expect(f()).toBe(1);
    expect(f()).toBe(1);
    await new Promise((r) => setTimeout(r, 80));
    expect(f()).toBe(2);
  });
});
