/**
 * The aggregates of `stats`: per group (a namespace, a function, a tenant) the entry count, the
 * stored bytes, a size histogram, how many expire soon or never, and how many fail their checks.
 * Groups are capped per dimension, so a million tenants cannot make the CLI hold a million
 * groups: the rest are counted together as `(other)`.
 */
import type { EntryReport } from '../entries/entry-report';

/** Upper bounds of the size buckets, in bytes; the last bucket is everything larger. */
export const SIZE_BUCKETS = [1024, 4096, 16_384, 65_536, 262_144, 1_048_576] as const;
/** Labels of the buckets, the open-ended one last. */
export const SIZE_BUCKET_LABELS = ['<1K', '<4K', '<16K', '<64K', '<256K', '<1M', '>=1M'] as const;
/** Most groups kept per dimension. */
export const MAX_GROUPS = 1000;
/** Where entries beyond the cap are counted. */
export const OTHER_GROUP = '(other)';
/** Where entries without the dimension (interop entries have no tenant) are counted. */
export const NO_GROUP = '(none)';

/** One group's figures. */
export interface GroupFigures {
  entries: number;
  storedBytes: number;
  histogram: number[];
  expiringSoon: number;
  noExpiry: number;
  failing: number;
  unverified: number;
}

/** The dimensions entries are grouped by. */
export const DIMENSIONS = ['namespace', 'function', 'tenant'] as const;
/** One dimension. */
export type Dimension = (typeof DIMENSIONS)[number];

/** Groups of one scan. */
export class StatsGroups {
  readonly groups: Record<Dimension, Map<string, GroupFigures>> = { namespace: new Map(), function: new Map(), tenant: new Map() };

  constructor(private readonly soonSeconds: number) {}

  /** Adds a cachekit entry to its group in every dimension. */
  add(report: EntryReport): void {
    for (const dimension of DIMENSIONS) this.record(this.groupOf(dimension, report[dimension] ?? NO_GROUP), report);
  }

  /** The figures of a group; past the cap, those of `(other)`. */
  private groupOf(dimension: Dimension, name: string): GroupFigures {
    const groups = this.groups[dimension];
    const known = groups.get(name);
    if (known !== undefined) return known;
    const key = groups.size < MAX_GROUPS ? name : OTHER_GROUP;
    const figures = groups.get(key) ?? emptyFigures();
    groups.set(key, figures);
    return figures;
  }

  private record(figures: GroupFigures, report: EntryReport): void {
    figures.entries++;
    figures.storedBytes += report.storedBytes;
    const bucket = SIZE_BUCKETS.findIndex((bound) => report.storedBytes < bound);
    figures.histogram[bucket < 0 ? SIZE_BUCKETS.length : bucket]!++;
    if (report.ttlSeconds === null) figures.noExpiry++;
    else if (report.ttlSeconds <= this.soonSeconds) figures.expiringSoon++;
    if (report.verdict === 'bad') figures.failing++;
    if (report.verdict === 'unverified' || report.verdict === 'key-mismatch') figures.unverified++;
  }
}

function emptyFigures(): GroupFigures {
  return { entries: 0, storedBytes: 0, histogram: SIZE_BUCKET_LABELS.map(() => 0), expiringSoon: 0, noExpiry: 0, failing: 0, unverified: 0 };
}
