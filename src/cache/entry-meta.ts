/**
 * A framed entry as the engine checks it on every hit: its frame fields plus the stamp keys of
 * its tags (tenant-scoped, built once per entry so a hit only looks them up), kept on its L1
 * entry and judged against the process's tag stamps and the clock.
 */
import type { FrameFields } from './entry-frame';
import { stampKey, stampPrefixOfKey } from '../tags/tag-names';
import type { JudgedTags, TagStamps } from '../tags/tag-stamps';

const NO_TAGS: readonly string[] = Object.freeze([]);

/** The frame of an entry, with what a hit needs to judge it. */
export class EntryMeta implements FrameFields, JudgedTags {
  /** See `JudgedTags`: the last valid verdict of its tags, remembered. */
  judgedVersion = -1;
  trustedUntil = 0;

  constructor(
    readonly createdAt: number,
    readonly freshUntil: number,
    readonly tags: readonly string[],
    /** Stamp keys of `tags` under the entry's tenant. */
    readonly stampKeys: readonly string[],
    /** A stale value fail-safe keeps in L1 for a while, so the failing function is not run on every call. */
    readonly failSafe: boolean,
  ) {}

  /** The meta of the entry stored under `key` with `fields`. */
  static of(key: string, fields: FrameFields, failSafe = false): EntryMeta {
    if (fields.tags.length === 0) return new EntryMeta(fields.createdAt, fields.freshUntil, NO_TAGS, NO_TAGS, failSafe);
    const prefix = stampPrefixOfKey(key);
    return new EntryMeta(
      fields.createdAt,
      fields.freshUntil,
      fields.tags,
      fields.tags.map((tag) => stampKey(prefix, tag)),
      failSafe,
    );
  }
}

/**
 * What a framed entry is worth now: `fresh` (serve it), `expired` (past its freshness: a value
 * fail-safe may serve when the function fails), `invalidated` (a tag was stamped at or after
 * its creation: never served), or `unknown` (a tag's stamp must be read from L2 first).
 */
export type EntryVerdict = 'fresh' | 'expired' | 'invalidated' | 'unknown';

/** Judges `meta` against the tag stamps and the clock. */
export function judgeEntry(meta: EntryMeta, stamps: TagStamps, now: number): EntryVerdict {
  if (meta.stampKeys.length > 0) {
    const tags = stamps.judge(meta, now);
    if (tags !== 'valid') return tags === 'invalid' ? 'invalidated' : 'unknown';
  }
  return meta.freshUntil > now ? 'fresh' : 'expired';
}
