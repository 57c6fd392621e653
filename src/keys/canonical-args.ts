/**
 * Function arguments → canonical MessagePack, the bytes a cache key hashes, written by the one
 * value encoder (`../msgpack/value-encoder.ts`) in its key profiles:
 *
 * - `default` mirrors cachekit-py's auto-mode key (`msgpack.packb([args, kwargs])`, strict
 *   types, floats always float64): integral numbers are ints, other numbers float64, `float64()`
 *   forces a float, Dates become Python `isoformat()` text.
 * - `interop` is the cross-SDK interop/v1 profile: integral floats collapse to ints, NaN and
 *   ±Infinity are refused, date-times become epoch seconds, sets are sorted by encoded bytes.
 *
 * Both sort map keys by Unicode code point (not UTF-16 order), turn `undefined` into nil,
 * Buffers/Uint8Arrays into bin, Maps with string keys into maps, Sets into sorted arrays, and
 * objects with a `toJSON` into its result. Everything else (functions, symbols, class instances,
 * cycles (found once nesting passes MAX_KEY_DEPTH), invalid dates, lone surrogates, unsafe
 * integers) is a `KeyGenerationError` naming the argument path and the type.
 */
import { ValueEncoder } from '../msgpack/value-encoder';
import type { MsgpackWriter } from '../msgpack/writer';

export { MAX_KEY_DEPTH } from '../msgpack/value-encoder';

/** Which canonical form to produce. */
export type KeyProfile = 'default' | 'interop';

/** Writes `[args, kwargs]` (default profile) or `args` (interop profile) as canonical MessagePack. */
export class CanonicalArgsEncoder {
  private readonly encoder: ValueEncoder;

  constructor(
    readonly writer: MsgpackWriter,
    profile: KeyProfile,
  ) {
    this.encoder = new ValueEncoder(profile === 'interop' ? 'interop-key' : 'key', writer);
  }

  /** `[args, sortedKwargs]`, the default-profile hash input. */
  writeArgsAndKwargs(args: readonly unknown[], kwargs: Readonly<Record<string, unknown>> | undefined): void {
    this.writer.arrayHeader(2);
    this.encoder.writeKeyPart('args', args);
    this.encoder.writeKeyPart('kwargs', kwargs ?? {});
  }

  /** The flat argument array, the interop-profile hash input. */
  writeArgs(args: readonly unknown[]): void {
    this.encoder.writeKeyPart('args', args);
  }
}
