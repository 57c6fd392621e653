/**
 * `@cached(options)` for class methods, under both TypeScript decorator modes: TC39 standard
 * decorators (TypeScript 5+, the default) and `experimentalDecorators` (NestJS style).
 *
 * `this` is not part of the key: every instance of a class shares one cache per method, so
 * `repo.get(1)` on two instances returns the same entry. To key by instance, give a `key`
 * function — it is called with `this` bound to the instance. Each class (and subclass) gets
 * its own cache, named `{Class}.{method}`, so same-named methods of different classes in one
 * file never share entries. A class defined inside a function is a new class with new methods
 * per call: the second one's first call is refused, as any second function under one identity
 * is (cache/identity-registry.ts).
 */
import { cache } from './cache';
import type { AnyFunction, CachedFunction, UntypedFunction } from './cache/cached-function';
import type { CacheInfo } from './cache/stats';
import { callerModule } from './config/caller-module';
import type { CacheOptions } from './config/options';
import type { PresetName } from './config/presets';
import { ConfigurationError } from './errors';
import type { TagsOption } from './tags/tag-options';

/**
 * Options of `@cached`; `preset` picks the intent preset (default: plain `cache()`). `key`,
 * `tags` and `loadMany` receive the method's arguments with `this` bound to the instance, and
 * may declare their parameters as the method does (`tags: (id: number) => [...]`).
 */
export type CachedMethodOptions = Omit<CacheOptions<readonly unknown[], unknown>, 'key' | 'tags' | 'loadMany'> & {
  preset?: Exclude<PresetName, 'local' | 'default'>;
  key?: (...args: never[]) => string;
  tags?: TagsOption<never[], never>;
  loadMany?: (missingArgsList: never[]) => Promise<readonly unknown[]> | readonly unknown[];
};

/**
 * Control methods of a decorated method. Decorators cannot change a method's declared type, so
 * reach them typed with `cached.controls(repo.byId)`; `Args` are the method's parameters and
 * `Result` what its promise resolves to.
 */
export interface CachedMethodControls<Args extends readonly unknown[] = unknown[], Result = unknown> {
  /** Statistics summed over every class that uses this method. */
  cacheInfo(): CacheInfo;
  /** Clears the entries of every class that uses this method. */
  cacheClear(): Promise<number>;
  /** Removes the entry of this call in every class that uses this method. */
  invalidate(...args: Args): Promise<boolean>;
  /**
   * Many calls of the method on `self` (an instance, or the class for a static method) at
   * once, answered in order, as `fn.many(argsList)` of `cache(fn)` does: L1 first, one batched
   * L2 read, the method (or the `loadMany` option, once, with `this` = `self`) for what is
   * missing, one batched write. The cache is that of `self`'s class.
   */
  many(self: object, argsList: readonly Args[]): Promise<Result[]>;
  /**
   * Invalidates tags on this method's L2, in every process, as `fn.invalidateTags(tags)` does
   * (tags belong to the L2, so entries of every function there that carry them are affected).
   * Resolves to whether L2 took the stamps. Before any instance of the class exists under
   * standard decorators the method's class is unknown: then it rejects with a
   * ConfigurationError; `invalidateTags(backend, tags)` works without a method.
   */
  invalidateTags(tags: readonly string[], options?: { tenant?: string }): Promise<boolean>;
}

/** Methods `@cached` accepts: cached calls always answer asynchronously. */
export type CacheableMethod = (this: never, ...args: never[]) => Promise<unknown>;

function isStandardContext(value: unknown): value is ClassMethodDecoratorContext {
  return typeof value === 'object' && value !== null && 'kind' in value && 'name' in value;
}

/** The class whose cache a call on `self` uses: `self` itself for a static method, else its constructor. */
function ownerOf(self: unknown): unknown {
  return typeof self === 'function' ? self : (self as { constructor?: unknown } | null | undefined)?.constructor;
}

/**
 * `declaredOwner` tells the class that declares the method once known (at decoration under
 * `experimentalDecorators`, at the first instance under standard decorators).
 */
function buildDispatcher(
  method: AnyFunction,
  methodName: string,
  options: CachedMethodOptions,
  moduleName: string | undefined,
  declaredOwner: () => unknown,
): AnyFunction & CachedMethodControls {
  const { preset, ...cacheOptions } = options;
  const factory = preset === undefined ? cache : cache[preset];
  const byClass = new Map<unknown, CachedFunction<AnyFunction>>();
  const wrapperFor = (self: unknown): CachedFunction<AnyFunction> => {
    const owner = ownerOf(self);
    let wrapper = byClass.get(owner);
    if (wrapper === undefined) {
      const className = typeof owner === 'function' && owner.name !== '' ? owner.name : 'anonymous';
      wrapper = factory(method, {
        ...cacheOptions,
        name: cacheOptions.name ?? `${className}.${methodName}`,
        module: cacheOptions.module ?? moduleName,
      } as CacheOptions<unknown[]>);
      byClass.set(owner, wrapper);
    }
    return wrapper;
  };
  const dispatcher = function (this: unknown, ...args: unknown[]): Promise<unknown> {
    return (wrapperFor(this) as unknown as UntypedFunction).apply(this, args) as Promise<unknown>;
  };
  const controls: CachedMethodControls = {
    cacheInfo() {
      const infos = [...byClass.values()].map((w) => w.cacheInfo());
      const sum = (field: 'hits' | 'misses' | 'l1Hits' | 'l2Hits') => infos.reduce((n, i) => n + i[field], 0);
      const l2Hits = sum('l2Hits');
      const times = infos.map((i) => i.lastOperationAt).filter((t): t is number => t !== null);
      return {
        hits: sum('hits'),
        misses: sum('misses'),
        l1Hits: sum('l1Hits'),
        l2Hits,
        maxsize: infos[0]?.maxsize ?? null,
        currsize: infos.reduce<number | null>((n, i) => (i.currsize === null ? n : (n ?? 0) + i.currsize), null),
        l2AvgLatencyMs: l2Hits === 0 ? 0 : infos.reduce((n, i) => n + i.l2AvgLatencyMs * i.l2Hits, 0) / l2Hits,
        lastOperationAt: times.length === 0 ? null : Math.max(...times),
        sessionId: infos[0]?.sessionId ?? '',
      };
    },
    async cacheClear() {
      let removed = 0;
      for (const w of byClass.values()) removed += await w.cacheClear();
      return removed;
    },
    async invalidate(...args: unknown[]) {
      let any = false;
      for (const w of byClass.values()) any = (await (w.invalidate as (...a: unknown[]) => Promise<boolean>)(...args)) || any;
      return any;
    },
    async many(self: object, argsList: readonly unknown[][]) {
      if ((typeof self !== 'object' && typeof self !== 'function') || self === null) {
        throw new ConfigurationError(
          `many(self, argsList) of @cached ${methodName}() takes the instance (or, for a static method, the class) first; got ${String(self)}. Fix: many(repo, [[1], [2]]).`,
        );
      }
      const wrapper = wrapperFor(self);
      return (wrapper.many as (this: unknown, list: readonly unknown[][]) => Promise<unknown[]>).call(self, argsList);
    },
    async invalidateTags(tags: readonly string[], tagOptions?: { tenant?: string }) {
      if (byClass.size === 0) {
        const owner = declaredOwner();
        if (owner === undefined) {
          throw new ConfigurationError(
            `invalidateTags() of @cached ${methodName}() cannot find the method's cache before its class has an instance. ` +
              'Fix: call it once an instance exists, or use invalidateTags(backend, tags) with the L2 backend.',
          );
        }
        wrapperFor(owner);
      }
      const stamped = await Promise.all([...byClass.values()].map((w) => w.invalidateTags(tags, tagOptions)));
      return stamped.every(Boolean);
    },
  };
  decoratedMethods.add(dispatcher);
  return Object.assign(dispatcher, controls);
}

/** Every method `@cached` has built, to tell them from other functions in `cached.controls`. */
const decoratedMethods = new WeakSet<object>();

/**
 * Caches a class method. Works as a TC39 standard decorator and under
 * `experimentalDecorators`.
 */
export function cached(options: CachedMethodOptions = {}) {
  const moduleName = options.module ?? callerModule();
  function decorator<T extends CacheableMethod>(value: T, context: ClassMethodDecoratorContext): T;
  function decorator<T extends CacheableMethod>(
    target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<T>,
  ): TypedPropertyDescriptor<T>;
  function decorator(first: unknown, second: unknown, third?: TypedPropertyDescriptor<unknown>): unknown {
    if (isStandardContext(second)) {
      if (second.kind !== 'method') {
        throw new ConfigurationError(`@cached() decorates methods; it was applied to a ${second.kind}.`);
      }
      // Standard decorators never see the class; its first instance (or, for a static method,
      // the class once defined) tells it.
      let owner: unknown;
      second.addInitializer(function (this: unknown) {
        owner ??= ownerOf(this);
      });
      return buildDispatcher(first as AnyFunction, String(second.name), options, moduleName, () => owner);
    }
    const descriptor = third;
    if (descriptor === undefined || typeof descriptor.value !== 'function') {
      throw new ConfigurationError(`@cached() decorates methods; ${String(second)} is not a method.`);
    }
    // Legacy decorators get the prototype (or, for a static method, the class itself).
    const owner = ownerOf(first);
    descriptor.value = buildDispatcher(descriptor.value as AnyFunction, String(second), options, moduleName, () => owner);
    return descriptor;
  }
  return decorator;
}

/**
 * The controls of a method decorated with `@cached`, typed from the method: pass it as the
 * class declares it (`cached.controls(repo.byId)` or `cached.controls(UserRepo.prototype.byId)`).
 * Throws a ConfigurationError for a method `@cached` did not decorate.
 */
cached.controls = function controls<F extends CacheableMethod>(method: F): CachedMethodControls<Parameters<F>, Awaited<ReturnType<F>>> {
  if (typeof method !== 'function' || !decoratedMethods.has(method)) {
    const name = typeof method === 'function' && method.name !== '' ? `${method.name}()` : String(method);
    throw new ConfigurationError(`cached.controls() takes a method decorated with @cached; ${name} is not one. Fix: decorate it with @cached(), or pass the decorated method.`);
  }
  return method as unknown as CachedMethodControls<Parameters<F>, Awaited<ReturnType<F>>>;
};
