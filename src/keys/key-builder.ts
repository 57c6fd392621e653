/**
 * Prebuilt key builders for the cache wrapper: key building runs on every call, L1 hits
 * included, so everything constant (namespace, function path, flags, the 250-character check)
 * is computed once here, and common argument lists are encoded without the general encoder.
 * A builder returns exactly what `cacheKey` returns for the same inputs (property-tested).
 */
import { KeyGenerationError } from '../errors';
import { blake2b256Hex } from '../native';
import { LONE_SURROGATE, MsgpackWriter } from '../codec/msgpack/writer';
import { argsHash, keyAffixes } from './cache-key';
import { MAX_KEY_LENGTH, codePointLength, limitKeyLength } from './key-text';

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
}

/** Marker bytes of the empty kwargs map that closes `[args, {}]`. */
const EMPTY_MAP = 0x80;

/**
 * Creates the key builder of one cached function. Arguments made only of numbers, strings,
 * booleans, null and undefined are encoded inline into a reused buffer; anything else goes
 * through the general canonical encoder (same bytes, same errors).
 */
export function createKeyBuilder(options: KeyBuilderOptions): KeyBuilder {
  const { prefix, suffix } = keyAffixes(options);
  // Only the constant parts can push a key over the limit (the hash is 64 hex digits), so
  // whether keys need shortening is known now.
  const mayExceedLimit = codePointLength(prefix) + 64 + suffix.length > MAX_KEY_LENGTH;
  const finish = mayExceedLimit
    ? (hash: string): string => limitKeyLength(prefix + hash + suffix)
    : (hash: string): string => prefix + hash + suffix;
  const emptyArgsKey = finish(argsHash([]));
  const writer = new MsgpackWriter(256);

  const general = (args: readonly unknown[]): string => finish(argsHash(args));

  return (args: readonly unknown[]): string => {
    const count = args.length;
    if (count === 0) return emptyArgsKey;
    if (count > 15) return general(args);
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
    return finish(blake2b256Hex(writer.view()));
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
