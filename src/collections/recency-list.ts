/**
 * An intrusive doubly linked list of entries in recency order (most recent at the head),
 * for LRU eviction. Touching an entry relinks two neighbours and never touches the Map the
 * entries are found in: re-inserting a key into a V8 `Map` to mark it recent (delete, then
 * set) leaves a deleted slot in the key's hash chain each time, so a hot key's lookups walk
 * ever longer chains until the next rehash — about 20 µs per touch at 100,000 entries.
 */

/** An entry that can sit in a {@link RecencyList}. */
export interface Linked<E> {
  prev: E | null;
  next: E | null;
}

/** Entries in recency order: `head` most recently used, `tail` the eviction victim. */
export class RecencyList<E extends Linked<E>> {
  head: E | null = null;
  tail: E | null = null;

  /** Puts a detached entry at the head. */
  pushHead(entry: E): void {
    entry.prev = null;
    entry.next = this.head;
    if (this.head !== null) this.head.prev = entry;
    this.head = entry;
    if (this.tail === null) this.tail = entry;
  }

  /** Marks a linked entry most recently used. */
  moveToHead(entry: E): void {
    if (entry === this.head) return;
    // Not the head, so prev is non-null.
    const prev = entry.prev as E;
    prev.next = entry.next;
    if (entry.next !== null) entry.next.prev = prev;
    else this.tail = prev;
    this.pushHead(entry);
  }

  /** Takes a linked entry out of the list. */
  detach(entry: E): void {
    if (entry.prev !== null) entry.prev.next = entry.next;
    else this.head = entry.next;
    if (entry.next !== null) entry.next.prev = entry.prev;
    else this.tail = entry.prev;
    entry.prev = null;
    entry.next = null;
  }

  /** Forgets every entry (their links are left as they are; drop the entries too). */
  clear(): void {
    this.head = null;
    this.tail = null;
  }
}
