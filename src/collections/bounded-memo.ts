/**
 * A memo of derived values (keys, prefixes, contexts) that forgets everything at once when it
 * is full. Why not an LRU: a lookup stays one `Map.get` with no recency bookkeeping on the hot
 * path, and memory stays bounded; a working set larger than the limit simply rebuilds what it
 * uses after each start-over. Everything memoised here can be recomputed at any time.
 */
export class BoundedMemo<K, V> {
  private readonly map = new Map<K, V>();

  /** @param limit entries kept before the memo starts over (0: remember nothing) */
  constructor(private readonly limit: number) {}

  /** The remembered value of `key`, or undefined. */
  get(key: K): V | undefined {
    return this.map.get(key);
  }

  /** Remembers `value` for `key` (starting over first when full) and returns it. */
  remember(key: K, value: V): V {
    if (this.limit === 0) return value;
    if (this.map.size >= this.limit) this.map.clear();
    this.map.set(key, value);
    return value;
  }

  /** Values remembered now. */
  get size(): number {
    return this.map.size;
  }

  /** Forgets everything. */
  clear(): void {
    this.map.clear();
  }
}
