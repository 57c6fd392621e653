/**
 * The default key format, shared with cachekit-py's auto mode:
 * `[ns:{namespace}:]func:{module}.{name}:args:{argsHash}:{ic}{code}`.
 */
import { blake2b256Hex } from '../native';
import { ConfigurationError } from '../errors';
import { isWellFormedString } from '../msgpack/text';
import { MsgpackWriter } from '../msgpack/writer';
import { CanonicalArgsEncoder } from './canonical-args';
import { functionPath } from './function-identity';
import { normalizeKey } from './key-text';
import { type SerializerIdentity, serializerCode } from './serializer-code';
import { BoundedMemo } from '../collections/bounded-memo';

/** Everything a default-format key is made of. */
export interface CacheKeyInput {
  /** Optional namespace; empty or missing leaves out the `ns:` part. */
  readonly namespace?: string | null | undefined;
  /** Module of the function (a dotted name; see `moduleNameFromFile`). */
  readonly module: string;
  /** Function name. */
  readonly name: string;
  /** Positional arguments. */
  readonly args?: readonly unknown[] | undefined;
  /** Keyword-style arguments (sorted by code point before hashing). */
  readonly kwargs?: Readonly<Record<string, unknown>> | undefined;
  /** Whether the integrity envelope is on (`1`) or off (`0`). Default true. */
  readonly integrity?: boolean | undefined;
  /** Serializer name or object; default `"standard"`. */
  readonly serializer?: SerializerIdentity | undefined;
}

let sharedEncoder: CanonicalArgsEncoder | undefined;
let sharedEncoderBusy = false;

/**
 * Encodes with a reused buffer. A `toJSON` that itself builds a key re-enters while the shared
 * buffer is in use, so a nested call gets a fresh one.
 */
export function withCanonicalEncoder<T>(use: (encoder: CanonicalArgsEncoder) => T, profile: 'default' | 'interop' = 'default'): T {
  if (sharedEncoderBusy || profile !== 'default') {
    return use(new CanonicalArgsEncoder(new MsgpackWriter(256), profile));
  }
  sharedEncoder ??= new CanonicalArgsEncoder(new MsgpackWriter(1024), 'default');
  sharedEncoderBusy = true;
  try {
    sharedEncoder.writer.reset();
    return use(sharedEncoder);
  } finally {
    sharedEncoderBusy = false;
  }
}

/**
 * Lowercase hex BLAKE2b-256 of the canonical MessagePack of `[args, sortedKwargs]`: the
 * `args:` segment of a default-format key. Throws `KeyGenerationError` for arguments that have
 * no canonical form.
 */
export function argsHash(args: readonly unknown[], kwargs?: Readonly<Record<string, unknown>>): string {
  return withCanonicalEncoder((encoder) => {
    encoder.writeArgsAndKwargs(args, kwargs);
    return blake2b256Hex(encoder.writer.view());
  });
}

/** The constant text around the hash of a default-format key. */
export interface KeyAffixes {
  /** `[ns:{namespace}:]func:{module.name}:args:`, unsafe characters already replaced. */
  readonly prefix: string;
  /** `:{ic}{code}`. */
  readonly suffix: string;
}

/** Validates the parts of a default-format key and builds its constant prefix and suffix. */
export function keyAffixes(input: {
  readonly namespace?: string | null | undefined;
  readonly module: string;
  readonly name: string;
  readonly integrity: boolean;
  readonly serializerCode: string;
}): KeyAffixes {
  const { namespace } = input;
  if (namespace !== undefined && namespace !== null && (typeof namespace !== 'string' || !isWellFormedString(namespace))) {
    throw new ConfigurationError(`namespace: expected a string of valid Unicode, got ${JSON.stringify(namespace)}`);
  }
  const suffix = keySuffix(input.integrity, input.serializerCode);
  const ns = namespace ? `ns:${namespace}:` : '';
  return {
    prefix: `${ns}func:${functionPath(input.module, input.name)}:args:`.replace(/[ \r\n]/g, '_'),
    suffix,
  };
}

/** Validates the integrity flag and serializer code and builds a key's `:{ic}{code}` ending. */
export function keySuffix(integrity: boolean, code: string): string {
  if (typeof integrity !== 'boolean') {
    throw new ConfigurationError(`integrity: expected true or false, got ${JSON.stringify(integrity)}`);
  }
  if (typeof code !== 'string' || !/^(?:[a-z]|x[0-9a-f]{4})$/.test(code)) {
    throw new ConfigurationError(
      `serializerCode: ${JSON.stringify(code)} is not a key code (one lowercase letter or "x" + 4 hex digits); get one from serializerCode()`,
    );
  }
  return `:${integrity ? '1' : '0'}${code}`;
}

/**
 * The default-format cache key of one call, byte for byte what cachekit-py builds for the same
 * namespace, `module.qualname`, arguments, integrity flag and serializer.
 */
export function cacheKey(input: CacheKeyInput): string {
  const integrity = input.integrity ?? true;
  // Only a missing serializer defaults; an explicit null is an error (cache-keys error_vectors).
  const code = serializerCode(input.serializer === undefined ? 'standard' : input.serializer);
  const { namespace, module, name } = input;
  const cacheable =
    (namespace === undefined || namespace === null || typeof namespace === 'string') &&
    typeof module === 'string' &&
    typeof name === 'string' &&
    typeof integrity === 'boolean';
  // Only well-typed identities are remembered, so a remembered one can never skip validation.
  const id = cacheable ? `${namespace ?? ''}\u0000${module}\u0000${name}\u0000${integrity}\u0000${code}` : '';
  let affixes = cacheable ? recentAffixes.get(id) : undefined;
  if (affixes === undefined) {
    affixes = keyAffixes({ namespace, module, name, integrity, serializerCode: code });
    recentAffixes.remember(id, affixes);
  }
  return normalizeKey(affixes.prefix + argsHash(input.args ?? [], input.kwargs) + affixes.suffix);
}

/** Validated affixes of recent `cacheKey` identities (validation and sanitising are regex work). */
const RECENT_AFFIXES_LIMIT = 64;
const recentAffixes = new BoundedMemo<string, KeyAffixes>(RECENT_AFFIXES_LIMIT);
