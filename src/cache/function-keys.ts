/**
 * The key functions of one cached function: the default builder (from keys/) behind a small
 * memo for single primitive arguments, or a user `key` function, plus the prefixes under which
 * all of the function's keys live (for `cacheClear()`).
 */
import { createCustomKeyFormatter, createFunctionKeyBuilder, functionKeyPrefix } from '../keys/function-key';
import type { KeyBuilder } from '../keys/key-builder';
import { MAX_KEY_LENGTH, SHORTENED_KEY_MARKER, SHORTENED_KEY_PREFIX_LENGTH, codePointLength } from '../keys/key-text';
import type { StoredKeyFunction } from './ports';
import { BoundedMemo } from '../collections/bounded-memo';

/** Largest number of memoised single-argument keys kept per function before the memo resets. */
const KEY_MEMO_LIMIT = 4096;
/** Strings longer than this are not memoised (the memo would hold large strings). */
const KEY_MEMO_MAX_STRING = 128;

/**
 * Memoises keys of calls with exactly one number, boolean or short string argument: the most
 * common call shape (`getUser(42)`) then costs one Map lookup instead of an encode and a
 * native hash, which keeps native code off the L1 hit path. Same keys as the builder.
 * `uncachedBuilder` (default `builder`) computes the keys this memo misses: a builder without
 * a memo of its own, since a second memo behind this one would only repeat its misses.
 */
export function memoizeSinglePrimitive(builder: KeyBuilder, uncachedBuilder: KeyBuilder = builder): KeyBuilder {
  const memo = new BoundedMemo<number | string | boolean, string>(KEY_MEMO_LIMIT);
  return (args) => {
    if (args.length !== 1) return builder(args);
    const arg = args[0];
    const type = typeof arg;
    if (type !== 'number' && type !== 'boolean' && !(type === 'string' && (arg as string).length <= KEY_MEMO_MAX_STRING)) {
      return builder(args);
    }
    const primitive = arg as number | string | boolean;
    let key = memo.get(primitive);
    if (key === undefined) {
      key = memo.remember(primitive, uncachedBuilder(args));
    }
    return key;
  };
}

/** Identity of a cached function's keys. */
export interface FunctionKeyOptions {
  /**
   * Prepended to every key (the tenant scope `t:default:`). Joined here, once per memoised
   * key, because a Map lookup with a freshly concatenated string must flatten and hash it on
   * every call, while a memoised string keeps its hash.
   */
  keyPrefix: string;
  namespace: string | undefined;
  module: string;
  name: string;
  integrity: boolean;
  serializerCode: string;
  /** A user key function; receives the call's arguments with `this` bound to the receiver. */
  keyFunction: ((...args: never[]) => string) | undefined;
}

/**
 * The stored-key function (key prefix included), in the format of keys/function-key.ts. A user
 * key becomes `[ns:…:]func:{module}:{name}:key:{returned}:{ic}{code}`: scoped to the function
 * (two functions returning the same string never share an entry) and escaped like every part.
 */
export function storedKeyFunction(options: FunctionKeyOptions): StoredKeyFunction {
  const custom = options.keyFunction as ((this: unknown, ...args: unknown[]) => unknown) | undefined;
  const { keyPrefix } = options;
  const identity = {
    namespace: options.namespace,
    module: options.module,
    name: options.name,
    integrity: options.integrity,
    serializerCode: options.serializerCode,
  };
  if (custom === undefined) {
    const logical = createFunctionKeyBuilder(identity);
    const logicalUnmemoised = createFunctionKeyBuilder({ ...identity, memoSize: 0 });
    const builder = memoizeSinglePrimitive(
      (args) => keyPrefix + logical(args),
      (args) => keyPrefix + logicalUnmemoised(args),
    );
    return (args) => builder(args);
  }
  const format = createCustomKeyFormatter(identity);
  return (args, thisArg) => keyPrefix + format(custom.apply(thisArg, args as unknown[]));
}

/**
 * Prefixes covering every key of the function. Keys over 250 characters are shortened to their
 * first 50 characters + `#` + a hash; when the function prefix itself is that long, the
 * shortened keys only share its first 50 characters, so that head is cleared too (it may also
 * clear a same-headed function's shortened keys: an extra miss, never a wrong value).
 */
export function clearPrefixes(options: FunctionKeyOptions): string[] {
  const prefix = functionKeyPrefix(options);
  const prefixes = [options.keyPrefix + prefix];
  if (codePointLength(prefix) >= SHORTENED_KEY_PREFIX_LENGTH && MAX_KEY_LENGTH > SHORTENED_KEY_PREFIX_LENGTH) {
    prefixes.push(`${options.keyPrefix}${Array.from(prefix).slice(0, SHORTENED_KEY_PREFIX_LENGTH).join('')}${SHORTENED_KEY_MARKER}`);
  }
  return prefixes;
}
