/**
 * The key format `cache()` stores under (default mode), behind the tenant scope `t:{tenant}:`:
 *
 *     [ns:{namespace}:]func:{module}:{name}:args:{argsHash}:{ic}{code}
 *     [ns:{namespace}:]func:{module}:{name}:key:{what key() returned}:{ic}{code}
 *
 * - Every user part is escaped (key-segment.ts), so no part holds a `:` and a key splits into
 *   its parts one way only: distinct namespaces, modules, names, arguments, returned keys,
 *   integrity flags or serializers give distinct keys.
 * - A key longer than 250 code points becomes its first 50 + `#` + 32 hex digits of
 *   BLAKE2b-256 of the whole key; no escaped key holds a `#`, so no short key can pose as a
 *   shortened one.
 * - Every key ends in `:{0|1}{serializer code}`, never in `:lock`, so the lock keys backends
 *   derive (`{key}:lock`, as cachekit-py) are a key space no data key reaches. A `{…}` in a
 *   part is kept: on Redis Cluster it is the hash tag of the data key and of its lock key alike
 *   (and no lock script touches more than the lock key).
 *
 * It differs from cachekit-py's auto-mode format (`cacheKey`, which replaces space, CR and LF
 * with `_` and joins module and name with `.`): default-mode entries are per language anyway
 * (their values are too); interop mode is the cross-language format.
 */
import { ConfigurationError, KeyGenerationError } from '../errors';
import { argsHash, keySuffix } from './cache-key';
import { createHashedKeyBuilder, type KeyBuilder } from './key-builder';
import { escapeKeySegment, isEscapableKeySegment } from './key-segment';
import { limitStoredKeyLength } from './key-text';
import { type SerializerIdentity, serializerCode } from './serializer-code';

/** What names a function's keys. */
export interface FunctionKeyIdentity {
  /** Optional; empty or missing leaves out the `ns:` part. */
  readonly namespace?: string | undefined;
  readonly module: string;
  readonly name: string;
}

/** A function's identity plus the flags every one of its keys ends with. */
export interface FunctionKeyBuilderOptions extends FunctionKeyIdentity {
  readonly integrity: boolean;
  /** From `serializerCode()`. */
  readonly serializerCode: string;
  /** See `KeyBuilderOptions.memoSize`. */
  readonly memoSize?: number;
}

function escapedPart(option: 'namespace' | 'module' | 'name', value: unknown): string {
  if (!isEscapableKeySegment(value) || value === '') {
    const fix =
      option === 'name'
        ? 'Fix: pass `name`; anonymous functions need an explicit one so two of them never share keys'
        : `Fix: pass a non-empty \`${option}\` without lone surrogates (they have no UTF-8 form)`;
    throw new ConfigurationError(`${option}: expected a non-empty string of valid Unicode, got ${JSON.stringify(value)}. ${fix}.`);
  }
  return escapeKeySegment(value);
}

/** `[ns:{namespace}:]func:{module}:{name}:`, escaped: every key of the function starts with it. */
export function functionKeyPrefix(identity: FunctionKeyIdentity): string {
  const { namespace } = identity;
  const ns = namespace === undefined || namespace === '' ? '' : `ns:${escapedPart('namespace', namespace)}:`;
  return `${ns}func:${escapedPart('module', identity.module)}:${escapedPart('name', identity.name)}:`;
}

/** One call, as `functionKey` takes it. */
export interface FunctionKeyInput extends FunctionKeyIdentity {
  /** The call's arguments. */
  readonly args?: readonly unknown[] | undefined;
  /** Whether the integrity envelope is on (`1`) or off (`0`); default true. */
  readonly integrity?: boolean | undefined;
  /** Serializer name or object; default `"standard"`. */
  readonly serializer?: SerializerIdentity | undefined;
}

/**
 * The key `cache()` stores a call under, before the tenant scope (`tenantScopedKey`): for
 * finding or removing entries from outside the wrapper.
 */
export function functionKey(input: FunctionKeyInput): string {
  const code = serializerCode(input.serializer === undefined ? 'standard' : input.serializer);
  const suffix = keySuffix(input.integrity ?? true, code);
  return limitStoredKeyLength(`${functionKeyPrefix(input)}args:${argsHash(input.args ?? [])}${suffix}`);
}

/** The builder of a function's argument-hash keys (what `functionKey` returns, prebuilt). */
export function createFunctionKeyBuilder(options: FunctionKeyBuilderOptions): KeyBuilder {
  return createHashedKeyBuilder({
    prefix: `${functionKeyPrefix(options)}args:`,
    suffix: keySuffix(options.integrity, options.serializerCode),
    limit: limitStoredKeyLength,
    memoSize: options.memoSize,
  });
}

/**
 * Turns what a user `key` function returned into the function's key. Throws
 * `KeyGenerationError` for anything but a non-empty string of valid Unicode.
 */
export function createCustomKeyFormatter(options: FunctionKeyBuilderOptions): (returned: unknown) => string {
  const prefix = `${functionKeyPrefix(options)}key:`;
  const suffix = keySuffix(options.integrity, options.serializerCode);
  return (returned) => {
    if (typeof returned !== 'string' || returned === '') {
      throw new KeyGenerationError(
        `The \`key\` function must return a non-empty string; it returned ${returned === '' ? 'an empty string' : typeof returned}.`,
        'key()',
        typeof returned,
      );
    }
    if (!isEscapableKeySegment(returned)) {
      throw new KeyGenerationError('The `key` function returned a string with a lone surrogate (it has no UTF-8 form).', 'key()', 'string');
    }
    return limitStoredKeyLength(prefix + escapeKeySegment(returned) + suffix);
  };
}
