/**
 * Counts of a scan's verdicts, and the rule for a wrong master key: one was given, some entries
 * name keys it does not have, and not one protected entry opened with it.
 */
import type { EntryReport, Verdict } from '../entries/entry-report';
import { ExitCode } from '../exit-codes';

/** Verdict counts of one scan. */
export class VerdictTally {
  readonly counts: Record<Verdict, number> = { ok: 0, bad: 0, unverified: 0, 'key-mismatch': 0, foreign: 0 };
  /** Sealed or keyed entries that opened with a given master key. */
  opened = 0;
  entries = 0;
  storedBytes = 0;

  /** Counts one report. */
  add(report: EntryReport): void {
    this.entries++;
    this.storedBytes += report.storedBytes;
    this.counts[report.verdict]++;
    if (report.sealedWith === 'current' || report.sealedWith === 'previous') this.opened++;
  }

  /** True when a master key was given and it opened none of the protected entries it was tried on. */
  wrongKey(keyGiven: boolean): boolean {
    return keyGiven && this.counts['key-mismatch'] > 0 && this.opened === 0;
  }

  /** The exit code the counts call for: a wrong key first, then failing entries. */
  exitCode(keyGiven: boolean): ExitCode {
    if (this.wrongKey(keyGiven)) return ExitCode.WRONG_KEY;
    return this.counts.bad > 0 ? ExitCode.FINDINGS : ExitCode.OK;
  }

  /** The counts as JSON fields. */
  toJSON(): Record<string, number> {
    return {
      entries: this.entries,
      storedBytes: this.storedBytes,
      ok: this.counts.ok,
      bad: this.counts.bad,
      unverified: this.counts.unverified,
      keyMismatch: this.counts['key-mismatch'],
      foreign: this.counts.foreign,
    };
  }

  /** One line for people: `120 entries (1.2 MiB): 118 ok, 2 bad`. */
  describe(formatBytes: (n: number) => string): string {
    const parts = (Object.entries(this.counts) as Array<[Verdict, number]>).filter(([, n]) => n > 0).map(([verdict, n]) => `${n} ${verdict}`);
    return `${this.entries} ${this.entries === 1 ? 'entry' : 'entries'} (${formatBytes(this.storedBytes)} stored)${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
  }
}

/** The message for a wrong master key. */
export function wrongKeyMessage(tally: VerdictTally): string {
  return (
    `The master key given opened none of the ${tally.counts['key-mismatch']} protected ${tally.counts['key-mismatch'] === 1 ? 'entry' : 'entries'} that name a key: ` +
    'another master key sealed them. Fix: pass the key the application uses (CACHEKIT_MASTER_KEY), and rotated ones in CACHEKIT_PREVIOUS_MASTER_KEYS.'
  );
}
