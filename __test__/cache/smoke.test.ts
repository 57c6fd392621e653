import { describe, expect, it } from 'vitest';
import { cache } from '../../src/cache';
import { MemoryBackend } from '../../src/backends/memory';

describe('cache() smoke', () => {
  it('caches through L1 and L2', async () => {
    let runs = 0;
    const backend = new MemoryBackend();
    const getUser = cache(async (id: number) => {
      runs++;
      return { id, name: `user-${id}`, at: new Date(0) };
    }, { backend, name: 'getUserSmoke', module: 'smoke' });
    const a = await getUser(1);
    const b = await getUser(1);
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
    expect(runs).toBe(1);
    expect(getUser.cacheInfo()).toMatchObject({ hits: 1, misses: 1, l1Hits: 1, l2Hits: 0 });
    await getUser.flush();
    expect(await backend.exists('t:default:func:smoke.getUserSmoke:args:' + '')).toBe(false);
  });
});
