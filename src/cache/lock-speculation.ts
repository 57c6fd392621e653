/**
 * The lock asked for together with the read, for functions whose locked reads mostly miss.
 *
 * A locked miss costs three round trips: the read, the lock, and the write that releases it.
 * While most of a function's reads miss (values each read once or twice, a cold start, a
 * flushed cache), its loads ask for the lock in the same round trip as the read, so a miss
 * costs two, as a plain read and write do. A read that hits after all gives the lock back in
 * the background: one command more for that hit, which is why a function whose reads mostly
 * hit keeps asking only after a miss.
 */
import { mayHoldLock, newLockToken, type EarlyLock, type LockingBackend } from '../reliability/distributed-lock';

/** Share of recent locked reads that must have missed before the lock is asked with the read. */
const SPECULATE_ABOVE_MISS_RATE = 0.5;
/** Weight of the newest read in the moving share (about the last 16 reads count). */
const NEWEST_READ_WEIGHT = 1 / 16;

/** One function's recent locked reads: whether asking for the lock with the read pays. */
export class LockSpeculation {
  private missRate = 0;

  /** True while most of the recent locked reads missed. */
  get worthIt(): boolean {
    return this.missRate > SPECULATE_ABOVE_MISS_RATE;
  }

  /** Counts one locked read: `missed` when the value was not in the cache. */
  record(missed: boolean): void {
    this.missRate += ((missed ? 1 : 0) - this.missRate) * NEWEST_READ_WEIGHT;
  }
}

/** Asks for the lock of `key` now, beside its read; `runWithLock` takes the answer as its first attempt. */
export function askEarly(backend: LockingBackend, key: string, leaseMs: number, signal: AbortSignal | undefined): EarlyLock {
  const token = newLockToken();
  return { token, attempt: backend.acquireLock(key, token, leaseMs, signal) };
}

/** The load did not need the lock it asked for early, if any (a hit, or a failed read): releases it if taken. */
export function giveBack(backend: LockingBackend, key: string, early: EarlyLock | undefined): void {
  if (early === undefined) return;
  void early.attempt.then((result) => {
    if (mayHoldLock(result)) void backend.releaseLock(key, early.token);
  });
}
