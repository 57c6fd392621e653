/**
 * Prebuilt key builders for the cache wrapper: key building runs on every call, L1 hits
 * included, so everything constant (namespace, function path, flags, the 250-character check)
 * is computed once here, and common argument lists are encoded without the general encoder.
 * `createHashedKeyBuilder` is that engine for any constant prefix and suffix: `createKeyBuilder`
 * returns exactly what `cacheKey` returns, and `createFunctionKeyBuilder` (function-key.ts)
 * what `functionKey` returns, for the same inputs (both property-tested).
 */
import { ConfigurationError, KeyGenerationError } from '../errors';
import { blake2b256Hex } from '../native';
import { latin1Slice } from '../msgpack/text';
import { LONE_SURROGATE, MsgpackWriter } from '../msgpack/writer';
import { CanonicalArgsEncoder } from './canonical-args';
import { argsHash, keyAffixes } from './cache-key';
import { MAX_KEY_LENGTH, codePointLength, limitKeyLength } from './key-text';
import { BoundedMemo } from '../collections/bounded-memo';

/** Builds the cache key of one call from its positional arguments. */
export type KeyBuilder = (args: readonly unknown[]) => string;

/** The constant parts of a function's default-format keys. */
export interface KeyBuilderOptions {
  readonly namespace?: string | null | undefined;
  readonly module: string;
  readonly name: string;
  /** Integrity envelope on (`1`) or off (`0`). */
  readonly integrity: boolean;
  /** From `serializerCode()`. */
  readonly serializerCode: string;
  /** How many distinct short argument encodings to remember with their keys (default 256; 0: none). */
  readonly memoSize?: number;
}

/** Marker byte of the empty kwargs map that closes `[args, {}]`. */
const EMPTY_MAP = 0x80;

/** Default number of remembered argument encodings per builder (see `memoSize`). */
export const DEFAULT_KEY_MEMO_SIZE = 256;
/** Argument encodings longer than this are not remembered (they are rarely repeated exactly). */
const MEMO_MAX_BYTES = 128;

/**
 * Creates a builder of cachekit-py auto-mode keys (`cacheKey`'s format) for one function.
 *
 * - `f()` costs nothing: its key is computed here, once.
 * - Arguments made only of numbers, strings, booleans, null and undefined are encoded inline
 *   into a reused buffer; anything else goes through the general canonical encoder (same
 *   bytes, same errors).
 * - The hash is the expensive part (a native call), so the builder remembers the keys of the
 *   last `memoSize` distinct short encodings: the canonical bytes are the memo's key, so a hit
 *   returns exactly the key a hash would. The memo is cleared when full.
 */
export function createKeyBuilder(options: KeyBuilderOptions): KeyBuilder {
  const { prefix, suffix } = keyAffixes(options);
  return createHashedKeyBuilder({ prefix, suffix, limit: limitKeyLength, memoSize: options.memoSize });
}

/** The constant text around the arguments hash of one function's keys, and its length rule. */
export interface HashedKeyShape {
  /** Everything before the 64 hex digits of the hash. */
  readonly prefix: string;
  /** Everything after them. */
  readonly suffix: string;
  /** Shortens an assembled key that is too long (see key-text.ts). */
  readonly limit: (key: string) => string;
  /** See `KeyBuilderOptions.memoSize`. */
  readonly memoSize?: number | undefined;
}

/** A key builder for `prefix + argsHash(args) + suffix`, limited; the engine behind every key format. */
export function createHashedKeyBuilder(shape: HashedKeyShape): KeyBuilder {
  const { prefix, suffix, limit } = shape;
  const memoSize = shape.memoSize ?? DEFAULT_KEY_MEMO_SIZE;
  if (!Number.isInteger(memoSize) || memoSize < 0) {
    throw new ConfigurationError(`memoSize: expected a non-negative integer, got ${JSON.stringify(shape.memoSize)}`);
  }
  // Only the constant parts can push a key over the limit (the hash is 64 hex digits), so
  // whether keys need shortening is known now.
  const mayExceedLimit = codePointLength(prefix) + 64 + suffix.length > MAX_KEY_LENGTH;
  const finish = mayExceedLimit
    ? (hash: string): string => limit(prefix + hash + suffix)
    : (hash: string): string => prefix + hash + suffix;
  const emptyArgsKey = finish(argsHash([]));
  const encoder = new CanonicalArgsEncoder(new MsgpackWriter(256), 'default');
  const writer = encoder.writer;
  const memo = new BoundedMemo<string, string>(memoSize);
  let busy = false;

  /** The key of the document in `writer`. */
  const keyOfWritten = (): string => {
    const length = writer.pos;
    if (memoSize === 0 || length > MEMO_MAX_BYTES) return finish(blake2b256Hex(writer.view()));
    const id = latin1Slice(writer.buf, 0, length);
    let key = memo.get(id);
    if (key === undefined) {
      key = memo.remember(id, finish(blake2b256Hex(writer.view())));
    }
    return key;
  };

  const general = (args: readonly unknown[]): string => {
    // A toJSON() that builds this same function's key re-enters while the buffer is in use.
    if (busy) return finish(argsHash(args));
    busy = true;
    try {
      writer.reset();
      encoder.writeArgsAndKwargs(args, undefined);
      return keyOfWritten();
    } finally {
      busy = false;
    }
  };

  return (args: readonly unknown[]): string => {
    const count = args.length;
    if (count === 0) return emptyArgsKey;
    if (count > 15 || busy) return general(args);
    writer.reset();
    writer.ensure(2);
    writer.buf[writer.pos++] = 0x92; // [args, kwargs]
    writer.buf[writer.pos++] = 0x90 | count;
    for (let i = 0; i < count; i++) {
      const arg = args[i];
      switch (typeof arg) {
        case 'number':
          if (Number.isSafeInteger(arg)) writer.int(arg);
          else if (Number.isInteger(arg)) return general(args); // throws: needs a BigInt
          else writer.float64(arg);
          break;
        case 'string':
          if (writer.str(arg) === LONE_SURROGATE) return general(args); // throws with the path
          break;
        case 'boolean':
          writer.bool(arg);
          break;
        case 'undefined':
          writer.nil();
          break;
        case 'object':
          if (arg !== null) return general(args);
          writer.nil();
          break;
        default:
          return general(args);
      }
    }
    writer.ensure(1);
    writer.buf[writer.pos++] = EMPTY_MAP;
    return keyOfWritten();
  };
}

/** A user key function: receives the call's arguments, returns the key's distinguishing part. */
export type CustomKeyFunction = (...args: never[]) => string;

/**
 * A key builder around a user `key` function, as cachekit-py's `key=` hook: the key is
 * `{namespace or "default"}:{returned string}`, with no function name, flags or shortening, so
 * functions that return the same string in one namespace share an entry (intended for sharing).
 */
export function createCustomKeyBuilder(options: {
  readonly namespace?: string | null | undefined;
  readonly key: CustomKeyFunction;
}): KeyBuilder {
  const { key } = options;
  const scope = options.namespace ? options.namespace : 'default';
  return (args: readonly unknown[]): string => {
    const part: unknown = (key as (...a: readonly unknown[]) => unknown)(...args);
    if (typeof part !== 'string' || part === '') {
      throw new KeyGenerationError(
        `The \`key\` function must return a non-empty string, got ${part === '' ? 'an empty string' : typeof part}.`,
        'key()',
        typeof part,
      );
    }
    return `${scope}:${part}`;
  };
}
