/**
 * Entry files the file backend refused to serve: counted, and logged once each (the file is
 * removed, so it is not met again), as the cache layer does for envelopes that fail their
 * integrity check.
 */
import { getLogger, writeLog } from '../../observability/logger';

/** Why an entry file was refused. */
export type RejectionKind =
  /** Damaged or not an entry at all: short, wrong magic, version 0, shrank while read. */
  | 'corrupt'
  /** Not a file this process could have written: another owner, a second link, a symlink, a FIFO. */
  | 'untrusted';

/** Counts of refused entry files, by kind. */
export type RejectedEntryCounts = Record<RejectionKind, number>;

const MESSAGES: Record<RejectionKind, string> = {
  corrupt: 'cachekit: file cache entry is corrupt; treated as a miss and removed',
  untrusted: 'cachekit: file cache entry was not written by this user (planted or linked); treated as a miss and removed',
};

/** The tally of one backend's refused entries. */
export class RejectedEntries {
  private readonly counts: RejectedEntryCounts = { corrupt: 0, untrusted: 0 };

  constructor(private readonly directory: () => string) {}

  /** Counts and logs one refused entry; `reason` says what was wrong with it. */
  record(kind: RejectionKind, entry: string, reason: string): void {
    this.counts[kind]++;
    writeLog(getLogger(), 'warn', { backend: 'file', directory: this.directory(), entry, reason }, MESSAGES[kind]);
  }

  /** A copy of the counts. */
  snapshot(): RejectedEntryCounts {
    return { ...this.counts };
  }
}
