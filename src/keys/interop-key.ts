/**
 * Interop mode keys, the one key format every cachekit SDK shares:
 * `{namespace}:{operation}:{blake2b-256 hex of the canonical MessagePack of the flat args}`.
 */
import { ConfigurationError } from '../errors';
import { blake2b256Hex } from '../native';
import { withCanonicalEncoder } from './cache-key';

const SEGMENT = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const RESERVED_NAMESPACES: ReadonlySet<string> = new Set(['ns', 'nsapi']);

/**
 * Checks one interop key segment: `^[a-z0-9][a-z0-9._-]{0,63}$` over the whole string, no `..`,
 * and (for the namespace) not `ns` or `nsapi`, which the server parses as key prefixes.
 */
export function validateInteropSegment(kind: 'namespace' | 'operation', value: unknown): asserts value is string {
  if (typeof value !== 'string' || !SEGMENT.test(value)) {
    throw new ConfigurationError(
      `interop ${kind}: ${JSON.stringify(value)} must be 1–64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  if (value.includes('..')) {
    throw new ConfigurationError(`interop ${kind}: ${JSON.stringify(value)} must not contain '..'`);
  }
  if (kind === 'namespace' && RESERVED_NAMESPACES.has(value)) {
    throw new ConfigurationError(`interop namespace: ${JSON.stringify(value)} is reserved; choose another namespace`);
  }
}

/** Lowercase hex BLAKE2b-256 of the interop canonical MessagePack of `args`. */
export function interopArgsHash(args: readonly unknown[]): string {
  return withCanonicalEncoder((encoder) => {
    encoder.writeArgs(args);
    return blake2b256Hex(encoder.writer.view());
  }, 'interop');
}

/** The canonical MessagePack bytes an interop key hashes (a copy). */
export function interopCanonicalArgs(args: readonly unknown[]): Buffer {
  return withCanonicalEncoder((encoder) => {
    encoder.writeArgs(args);
    return encoder.writer.copy();
  }, 'interop');
}

/**
 * The interop key of a call. Segment errors are `ConfigurationError`s; arguments without an
 * interop form (NaN, ±Infinity, integers outside [-2^63, 2^64 - 1], bare numbers beyond 2^53,
 * naive date-times, …) are `KeyGenerationError`s.
 */
export function interopKey(namespace: string, operation: string, args: readonly unknown[]): string {
  validateInteropSegment('namespace', namespace);
  validateInteropSegment('operation', operation);
  return `${namespace}:${operation}:${interopArgsHash(args)}`;
}
