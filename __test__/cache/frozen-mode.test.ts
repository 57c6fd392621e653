/**
 * `l1.mode: 'frozen'`: an L1 hit hands out the one deep-frozen decoded value (no copy), and a
 * caller that tries to change it gets a TypeError instead of changing what others get. Values
 * Object.freeze cannot make immutable (a Map here) are copied per hit, as in the default mode.
 */
import { describe, expect, it } from 'vitest';
import { cache } from '../../src';

describe("l1.mode: 'frozen'", () => {
  it('hands every hit the same frozen value; a mutation throws and changes nothing', async () => {
    const load = cache(async (id: number) => ({ id, tags: ['a', 'b'], owner: { name: 'Ada' } }), { backend: null, name: 'frozenRecord', l1: { mode: 'frozen' } });
    const computed = await load(1); // the function's own result, not frozen
    expect(Object.isFrozen(computed)).toBe(false);
    const first = (await load(1)) as { id: number; tags: string[]; owner: { name: string } };
    const second = await load(1);
    expect(second).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.tags) && Object.isFrozen(first.owner)).toBe(true);
    expect(() => {
      first.owner.name = 'Mallory';
    }).toThrow(TypeError);
    expect(() => first.tags.push('c')).toThrow(TypeError);
    expect(await load(1)).toEqual({ id: 1, tags: ['a', 'b'], owner: { name: 'Ada' } });
  });

  it('copies values Object.freeze cannot make immutable, as the default mode does', async () => {
    const load = cache(async (id: number) => ({ id, seen: new Map([['k', 1]]) }), {
      backend: null,
      name: 'frozenMap',
      serializer: 'auto',
      l1: { mode: 'frozen' },
    });
    await load(1);
    const first = (await load(1)) as { seen: Map<string, number> };
    const second = (await load(1)) as { seen: Map<string, number> };
    expect(second).not.toBe(first);
    first.seen.set('k', 99);
    expect(((await load(1)) as { seen: Map<string, number> }).seen.get('k')).toBe(1);
  });

  it('is validated with the other modes', () => {
    expect(() => cache(async () => 1, { backend: null, name: 'badMode', l1: { mode: 'icy' as never } })).toThrow(/'bytes', 'frozen' or 'reference'/);
  });
});
