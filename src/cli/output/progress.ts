/**
 * A progress line on stderr for long scans, and only where someone watches it: on a terminal,
 * once a scan has passed a few thousand keys, redrawn at most a few times a second. Never on
 * stdout, so it never mixes with results; never in a pipe or a log file.
 */

/** Keys scanned before progress appears: short scans finish before anyone would look. */
export const PROGRESS_AFTER_KEYS = 2000;
const REDRAW_EVERY_MS = 200;

/** Progress of one scan. */
export class Progress {
  private count = 0;
  private lastDrawn = 0;
  private shown = false;
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    private readonly total: number | undefined,
    enabled: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = enabled && stream.isTTY === true;
  }

  /** Counts `n` more keys scanned. */
  advance(n: number): void {
    this.count += n;
    if (!this.enabled || this.count < PROGRESS_AFTER_KEYS) return;
    const now = Date.now();
    if (this.shown && now - this.lastDrawn < REDRAW_EVERY_MS) return;
    this.lastDrawn = now;
    this.shown = true;
    const of = this.total === undefined || this.total < this.count ? '' : ` of ~${this.total.toLocaleString('en-US')} (${Math.floor((100 * this.count) / this.total)}%)`;
    this.stream.write(`\r\x1b[2K${this.label}: ${this.count.toLocaleString('en-US')} keys${of}`);
  }

  /** Erases the line, if one was drawn. */
  finish(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}
