/** How a call was answered. */
export type Source = 'l2' | 'computed';

/** A loaded value with the serializer bytes it came from, so joiners can get fresh copies. */
export interface Loaded {
  source: Source;
  value: unknown;
  serialized: Buffer | undefined;
  /** For L2 hits: how long the read took. */
  latencyMs: number;
}
