/**
 * Background work of one cached function (write-backs, TTL refreshes, SWR refreshes): counted
 * so `flush()` can wait for all of it. A count and shared callbacks, rather than a set of
 * wrapper promises: nothing is allocated per task but the one callback registration.
 */
export class BackgroundTasks {
  private pending = 0;
  private waiters: Array<() => void> = [];

  /** Called with `false` for each write-back that reports failure. */
  constructor(private readonly onFailedWrite: () => void) {}

  /** Counts `promise` until it settles (whichever way). */
  track(promise: Promise<unknown>): void {
    this.pending++;
    promise.then(this.settled, this.settled);
  }

  /** Counts a write-back resolving to whether it succeeded; failures are reported. */
  trackWrite(write: Promise<boolean>): void {
    this.pending++;
    write.then(this.writeSettled, this.settled);
  }

  /** Resolves when every task tracked so far has settled. */
  flush(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private readonly writeSettled = (ok: boolean): void => {
    if (!ok) this.onFailedWrite();
    this.settled();
  };

  private readonly settled = (): void => {
    if (--this.pending > 0) return;
    const waiters = this.waiters;
    if (waiters.length === 0) return;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  };
}
