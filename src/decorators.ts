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

/**
 * Options of `@cached`; `preset` picks the intent preset (default: plain `cache()`). `key`
 * receives the method's arguments with `this` bound to the instance.
 */
export type CachedMethodOptions = Omit<CacheOptions<readonly unknown[], unknown>, 'key'> & {
  preset?: Exclude<PresetName, 'local' | 'default'>;
  key?: (...args: never[]) => string;
};

/**
 * Control methods of a decorated method. Decorators cannot change a method's declared type, so
 * reach them typed with `cached.controls(repo.byId)`; `Args` are the method's parameters.
 */
export interface CachedMethodControls<Args extends readonly unknown[] = unknown[]> {
  /** Statistics summed over every class that uses this method. */
  cacheInfo(): CacheInfo;
  /** Clears the entries of every class that uses this method. */
  cacheClear(): Promise<number>;
  /** Removes the entry of this call in every class that uses this method. */
  invalidate(...args: Args): Promise<boolean>;
}

/** Methods `@cached` accepts: cached calls always answer asynchronously. */
export type CacheableMethod = (this: never, ...args: never[]) => Promise<unknown>;

function isStandardContext(value: unknown): value is ClassMethodDecoratorContext {
  return typeof value === 'object' && value !== null && 'kind' in value && 'name' in value;
}

function buildDispatcher(method: AnyFunction, methodName: string, options: CachedMethodOptions, moduleName: string | undefined): AnyFunction & CachedMethodControls {
  const { preset, ...cacheOptions } = options;
  const factory = preset === undefined ? cache : cache[preset];
  const byClass = new Map<unknown, CachedFunction<AnyFunction>>();
  const wrapperFor = (self: unknown): CachedFunction<AnyFunction> => {
    const owner = typeof self === 'function' ? self : (self as { constructor?: unknown } | null | undefined)?.constructor;
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
      return buildDispatcher(first as AnyFunction, String(second.name), options, moduleName);
    }
    const descriptor = third;
    if (descriptor === undefined || typeof descriptor.value !== 'function') {
      throw new ConfigurationError(`@cached() decorates methods; ${String(second)} is not a method.`);
    }
    descriptor.value = buildDispatcher(descriptor.value as AnyFunction, String(second), options, moduleName);
    return descriptor;
  }
  return decorator;
}

/**
 * The controls of a method decorated with `@cached`, typed from the method: pass it as the
 * class declares it (`cached.controls(repo.byId)` or `cached.controls(UserRepo.prototype.byId)`).
 * Throws a ConfigurationError for a method `@cached` did not decorate.
 */
cached.controls = function controls<F extends CacheableMethod>(method: F): CachedMethodControls<Parameters<F>> {
  if (typeof method !== 'function' || !decoratedMethods.has(method)) {
    const name = typeof method === 'function' && method.name !== '' ? `${method.name}()` : String(method);
    throw new ConfigurationError(`cached.controls() takes a method decorated with @cached; ${name} is not one. Fix: decorate it with @cached(), or pass the decorated method.`);
  }
  return method as unknown as CachedMethodControls<Parameters<F>>;
};
