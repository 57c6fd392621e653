/**
 * `cache()` and its intent presets. `cache(fn, options)` or `cache(options)(fn)` wraps a
 * function; `cache.minimal`, `cache.production`, `cache.secure`, `cache.dev`, `cache.test`
 * start from a preset; `cache.local` keeps live objects in this process only.
 */
import { assembleCachedFunction, assembleLocalFunction } from './assemble';
import type { AnyFunction, CachedFunction } from './cached-function';
import type { LocalCachedFunction } from './local-function';
import type { CacheOptions } from '../config/options';
import type { PresetName } from '../config/presets';
import { ConfigurationError } from '../errors';

/** Wraps functions with one preset: `factory(fn, options)` or `factory(options)(fn)`. */
export interface CacheFactory {
  <F extends AnyFunction>(fn: F, options?: CacheOptions<Parameters<F>, Awaited<ReturnType<F>>>): CachedFunction<F>;
  (options?: CacheOptions): <F extends AnyFunction>(fn: F) => CachedFunction<F>;
}

/** Options accepted by `cache.local` (no serializer, backend, integrity or encryption). */
export type LocalCacheOptions<Args extends readonly unknown[] = readonly unknown[]> = Pick<
  CacheOptions<Args>,
  'ttl' | 'namespace' | 'key' | 'module' | 'name' | 'logger'
> & { l1?: { maxEntries?: number; maxBytes?: number } };

/** `cache.local`: same shapes as `CacheFactory`, but the wrapper keeps `fn`'s own signature. */
export interface LocalCacheFactory {
  <F extends AnyFunction>(fn: F, options?: LocalCacheOptions<Parameters<F>>): LocalCachedFunction<F>;
  (options?: LocalCacheOptions): <F extends AnyFunction>(fn: F) => LocalCachedFunction<F>;
}

/** The `cache` export: a factory with the default preset, plus one factory per preset. */
export interface CacheApi extends CacheFactory {
  /** Fastest: no envelope, no breaker, no SWR. For hot, low-value data. */
  minimal: CacheFactory;
  /** Integrity, SWR, breaker, adaptive timeouts, backpressure and the distributed stampede lock. */
  production: CacheFactory;
  /** `production` plus zero-knowledge encryption (requires a master key). */
  secure: CacheFactory;
  /** Like the default, for development. */
  dev: CacheFactory;
  /** Deterministic for tests: no integrity envelope, no SWR, no breaker or backpressure. */
  test: CacheFactory;
  /** In-process cache of live objects; a sync function stays sync. */
  local: LocalCacheFactory;
}

function factoryFor(preset: PresetName): CacheFactory {
  function factory(fnOrOptions?: AnyFunction | CacheOptions, options?: CacheOptions): unknown {
    if (typeof fnOrOptions === 'function') return assembleCachedFunction(preset, fnOrOptions, options);
    if (options !== undefined) {
      throw new ConfigurationError(
        `cache${preset === 'default' ? '' : `.${preset}`}() takes (fn, options) or (options); got (options, ${typeof options}). ` +
          'Fix: pass the function first.',
      );
    }
    return (fn: AnyFunction) => {
      if (typeof fn !== 'function') {
        throw new ConfigurationError(`cache(options) returns a wrapper that takes a function; got ${typeof fn}.`);
      }
      return assembleCachedFunction(preset, fn, fnOrOptions);
    };
  }
  return factory as CacheFactory;
}

function localFactory(): LocalCacheFactory {
  function factory(fnOrOptions?: AnyFunction | LocalCacheOptions, options?: LocalCacheOptions): unknown {
    if (typeof fnOrOptions === 'function') return assembleLocalFunction(fnOrOptions, options);
    return (fn: AnyFunction) => assembleLocalFunction(fn, fnOrOptions);
  }
  return factory as LocalCacheFactory;
}

/** Wraps a function so its results are cached in L1 and the shared backend. */
export const cache: CacheApi = Object.assign(factoryFor('default'), {
  minimal: factoryFor('minimal'),
  production: factoryFor('production'),
  secure: factoryFor('secure'),
  dev: factoryFor('dev'),
  test: factoryFor('test'),
  local: localFactory(),
});
