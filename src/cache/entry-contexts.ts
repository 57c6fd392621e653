import type { EntryContext } from './ports';
import { BoundedMemo } from '../collections/bounded-memo';

/** Most entry contexts memoised per function before the memo starts over. */
const MAX_REMEMBERED_CONTEXTS = 4096;

/**
 * Entry contexts (tenant, logical key) of stored keys, memoised for reads: the same object
 * (and logical-key string, whose hash V8 then keeps) for the same key lets the codec's per-key
 * memo answer with one lookup. Every L2 read remembers its key's context (the engine asks while
 * the read is in flight), so a write after a miss finds it; a write nobody read before (a
 * background refresh) asks without remembering.
 */
export class EntryContexts {
  private readonly known = new BoundedMemo<string, EntryContext>(MAX_REMEMBERED_CONTEXTS);

  constructor(private readonly contextOf: (key: string) => EntryContext) {}

  /** The context of `key`; remembered when `remember` is true. */
  of(key: string, remember = true): EntryContext {
    let context = this.known.get(key);
    if (context === undefined) {
      context = this.contextOf(key);
      if (!remember) return context;
      this.known.remember(key, context);
    }
    return context;
  }
}
