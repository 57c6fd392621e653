/**
 * Keys one function wrote to a backend that cannot clear by prefix (the file backend names
 * files by hash), so `cacheClear()` can still remove them. Bounded: past the limit new keys
 * are not remembered (they only expire), and the first overflow is reported once.
 */
export class WrittenKeys {
  private readonly keys = new Set<string>();
  private overflowed = false;

  constructor(
    private readonly limit: number,
    private readonly onFirstOverflow: (limit: number) => void,
  ) {}

  /** Remembers `key`, unless the limit is reached. */
  remember(key: string): void {
    if (this.keys.size < this.limit) {
      this.keys.add(key);
    } else if (!this.overflowed) {
      this.overflowed = true;
      this.onFirstOverflow(this.limit);
    }
  }

  /** Forgets and returns every remembered key that starts with one of `prefixes`. */
  take(prefixes: readonly string[]): string[] {
    const taken: string[] = [];
    for (const key of this.keys) {
      if (!prefixes.some((prefix) => key.startsWith(prefix))) continue;
      this.keys.delete(key);
      taken.push(key);
    }
    return taken;
  }
}
