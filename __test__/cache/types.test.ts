import { describe, expectTypeOf, it } from 'vitest';
import { cache } from '../../src/cache';
import type { CacheInfo } from '../../src/cache/stats';

interface User {
  id: number;
  name: string;
}

describe('type inference', () => {
  it('keeps parameters and makes the result a Promise of the awaited result', () => {
    const getUser = cache(async (id: number, verbose?: boolean): Promise<User> => ({ id, name: String(verbose) }), {
      backend: null,
      name: 'typedGetUser',
    });
    expectTypeOf(getUser).parameters.toEqualTypeOf<[id: number, verbose?: boolean | undefined]>();
    expectTypeOf(getUser).returns.toEqualTypeOf<Promise<User>>();
    expectTypeOf(getUser.cacheInfo()).toEqualTypeOf<CacheInfo>();
    expectTypeOf(getUser.invalidate).parameters.toEqualTypeOf<[id: number, verbose?: boolean | undefined]>();
    expectTypeOf(getUser.withSignal(new AbortController().signal)).returns.toEqualTypeOf<Promise<User>>();
  });

  it('makes a synchronous function asynchronous in the default presets', () => {
    const sum = cache.minimal((a: number, b: number) => a + b, { backend: null, name: 'typedSum' });
    expectTypeOf(sum).returns.toEqualTypeOf<Promise<number>>();
  });

  it('keeps a synchronous function synchronous in cache.local', () => {
    const local = cache.local(function typedLocal(region: string) {
      return { region };
    });
    expectTypeOf(local).returns.toEqualTypeOf<{ region: string }>();
    expectTypeOf(local).parameters.toEqualTypeOf<[region: string]>();
  });

  it('types the key function from the wrapped parameters', () => {
    cache(async (user: User, page: number) => [user, page], {
      backend: null,
      name: 'typedKey',
      key: (user, page) => {
        expectTypeOf(user).toEqualTypeOf<User>();
        expectTypeOf(page).toEqualTypeOf<number>();
        return `${user.id}:${page}`;
      },
    });
  });

  it('types many(), loadMany and the tags functions from the wrapped function', () => {
    const getUser = cache(async (id: number): Promise<User> => ({ id, name: 'x' }), {
      backend: null,
      name: 'typedMany',
      tags: {
        fromArgs: (id) => {
          expectTypeOf(id).toEqualTypeOf<number>();
          return [`user:${id}`];
        },
        fromResult: (user, id) => {
          expectTypeOf(user).toEqualTypeOf<User>();
          expectTypeOf(id).toEqualTypeOf<number>();
          return [user.name];
        },
      },
      loadMany: async (missing) => {
        expectTypeOf(missing).toEqualTypeOf<Array<[id: number]>>();
        return missing.map(([id]) => ({ id, name: 'y' }));
      },
    });
    expectTypeOf(getUser.many).parameters.toEqualTypeOf<[argsList: ReadonlyArray<[id: number]>]>();
    expectTypeOf(getUser.many).returns.toEqualTypeOf<Promise<User[]>>();
    expectTypeOf(getUser.invalidateTags).returns.toEqualTypeOf<Promise<boolean>>();
  });

  it('cache(options)(fn) infers the same types', () => {
    const f = cache({ backend: null, ttl: 5 })(async function typedCurried(id: string) {
      return id.length;
    });
    expectTypeOf(f).returns.toEqualTypeOf<Promise<number>>();
  });
});
