/**
 * Keeps a warning that repeats on every call from flooding the logs: the first record of a
 * message is written, repeats within the interval are only counted, and the next record after
 * it carries how many were left out. Counters (health, metrics) still see every event.
 */

/** Default quiet interval per message, ms. */
export const REPEAT_INTERVAL_MS = 60_000;

/** Most distinct messages tracked; messages are a fixed set, this only bounds a misuse. */
const MAX_MESSAGES = 256;

interface Seen {
  /** When the last written record of the message was, ms. */
  loggedAt: number;
  /** Records left out since then. */
  suppressed: number;
}

/** Decides, per message, whether a record is written now. */
export class RepeatLimiter {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly intervalMs: number = REPEAT_INTERVAL_MS) {}

  /**
   * Whether a record of `message` at `now` (ms) is written: `undefined` when it is left out,
   * otherwise how many records of it were left out before this one.
   */
  admit(message: string, now: number): number | undefined {
    const seen = this.seen.get(message);
    if (seen === undefined) {
      if (this.seen.size >= MAX_MESSAGES) this.seen.clear();
      this.seen.set(message, { loggedAt: now, suppressed: 0 });
      return 0;
    }
    if (now - seen.loggedAt < this.intervalMs) {
      seen.suppressed++;
      return undefined;
    }
    const suppressed = seen.suppressed;
    seen.loggedAt = now;
    seen.suppressed = 0;
    return suppressed;
  }
}
