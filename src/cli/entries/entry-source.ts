/**
 * Where the CLI reads entries from: a Redis deployment or a file-cache directory, behind one
 * streaming interface. Sources hand entries over in batches and never hold more than the batch
 * being visited, so memory stays bounded however many entries there are.
 */
import type { Selection } from './selection';

/** One stored entry, as a source read it. */
export interface StoredEntry {
  /** The stored key; undefined for a file entry found by walking (files are named by a hash of their key). */
  readonly key: string | undefined;
  /** The file name of a file-cache entry. */
  readonly file?: string;
  /** The stored value (for a file entry, what follows its header); null when none could be read. */
  readonly value: Buffer | null;
  /** Seconds until expiry; null when the entry never expires; 0 or less when it is past its expiry. */
  readonly ttlSeconds: number | null;
  /** Bytes the entry takes (value length; for a file, the file size). */
  readonly storedBytes: number;
  /**
   * Why the source could not hand over a usable value, and whether the library itself would
   * treat the entry as corrupt (and remove it).
   */
  readonly unreadable?: { readonly reason: string; readonly corrupt: boolean };
  /** What the source needs to remove exactly this entry later (its bytes or file identity). */
  readonly removal: unknown;
}

/** A stored key found for removal (values are not read). */
export interface StoredKeyRef {
  readonly key: string | undefined;
  readonly file?: string;
  /** What the source needs to remove it. */
  readonly removal: unknown;
}

/** A backend the CLI reads and cleans. */
export interface EntrySource {
  /** What it is, for messages: a redacted URL or a directory. */
  readonly description: string;
  /** Checks that the backend can be used at all (connects, or the directory is a cache). */
  open(): Promise<void>;
  /** About how many entries the backend holds (for progress), when cheap to tell. */
  estimateTotal(): Promise<number | undefined>;
  /** Visits every selected entry, batch by batch. */
  entries(selection: Selection, visit: (batch: StoredEntry[]) => Promise<void>): Promise<void>;
  /** Visits every selected key without reading values. */
  keys(selection: Selection, visit: (batch: StoredKeyRef[]) => Promise<void>): Promise<void>;
  /** Removes entries that still hold what was read; returns how many were removed. */
  removeUnchanged(entries: readonly StoredEntry[]): Promise<number>;
  /** Removes keys (and nothing else); returns how many were removed. */
  remove(refs: readonly StoredKeyRef[]): Promise<number>;
  /** Releases connections. */
  close(): Promise<void>;
}
