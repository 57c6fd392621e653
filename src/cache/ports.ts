/**
 * What the wrapper needs from the keys and codec layers, in the shape the L1 boundary needs.
 */

import type { CodecHalves } from '../codec/codec';
import type { EntryContext } from '../encryption/value-encryptor';

/** Per-entry context (logical key, tenant): the one type of the value path, from `encryption/`. */
export type { EntryContext } from '../encryption/value-encryptor';

/**
 * The value pipeline split at the L1 boundary: `serialize`/`deserialize` are pure JS (the L1
 * hit path uses only these), `seal`/`open` do the byte work (envelope, encryption) for L2.
 */
export interface ValuePipeline extends CodecHalves<Buffer> {
  /** One-letter serializer code used in keys. */
  readonly serializerCode: string;
  /** True when L1 must hold sealed bytes (encryption: plaintext never sits in memory). */
  readonly l1HoldsSealed: boolean;
  /** Values at least this large use the async variants. */
  readonly asyncThreshold: number;
  /** Whether stored values are encrypted (bad bytes are then security events). */
  readonly encrypted: boolean;
  /**
   * True when what `deserialize(serialize(v))` gives back for plain data is a structural copy
   * of it (the `standard` serializer, unencrypted): a memory-only miss may then keep a copy
   * instead of bytes (see `l1/exact-copy.ts`).
   */
  readonly copiesPlainData?: boolean;
  /**
   * Computes the per-key state that opening or sealing this entry needs (the key-bound envelope
   * tag), so that it runs while the L2 read is in flight instead of after the answer.
   */
  prepare?(context: EntryContext): void;
  /** For encrypted or keyed-integrity pipelines: whether `stored` was sealed by a previous master key. */
  sealedWithPreviousKey?(stored: Buffer, context: EntryContext): boolean;
}

/** Turns call arguments into the stored key, tenant prefix included (throws `KeyGenerationError`). */
export type StoredKeyFunction = (args: readonly unknown[], thisArg: unknown) => string;
