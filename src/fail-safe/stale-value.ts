/**
 * A value past its freshness that fail-safe may serve when the function fails or is slow: from
 * the L1 entry that expired, or from the L2 entry kept past its TTL (`maxStaleSeconds`).
 */
export interface StaleValue {
  /** When the stale value's computation started. */
  readonly createdAt: number;
  /** A copy of the value for one caller (throws what decoding throws). */
  value(): unknown;
  /**
   * Puts the value back into L1 for `ms` (at most until it is no longer servable), so calls in
   * that time get it without running the failing function again. No-op without L1, or when its
   * key was invalidated since it was read.
   */
  keep(ms: number): void;
}
