/**
 * Extra deadline for writes in proportion to their size. The adaptive timeout learns from
 * typical small values; without an allowance a rare 10 MB write would always time out — and
 * count against the breaker — on a perfectly healthy link.
 */
import type { BackendEntry } from '../backends/types';

/** Bytes granted per extra millisecond: 64 KiB/ms, about 500 Mbit/s. */
export const WRITE_BYTES_PER_MS = 64 * 1024;

/** Extra milliseconds for writing `bytes`. */
export function writeAllowanceMs(bytes: number): number {
  // Whole milliseconds, rounded down: values under 64 KiB get no allowance at all.
  return Math.floor(bytes / WRITE_BYTES_PER_MS);
}

/** Extra milliseconds for writing every value of `entries`. */
export function batchWriteAllowanceMs(entries: readonly BackendEntry[]): number {
  let total = 0;
  for (const entry of entries) total += entry.value.length;
  return writeAllowanceMs(total);
}
