/**
 * Size and entry-count limits of a cache directory. Writes keep an approximate in-process
 * tally; the directory is only rescanned when the tally crosses the high-water mark (90 %) or
 * the last scan is older than a minute (other processes write too). A scan over the mark
 * evicts the least recently written entries down to the low-water mark (70 %), so the cost of
 * a scan is paid once per fifth of the budget, not on every write.
 */
import { nodeFsPromises } from '../../lazy-builtins';
import path from 'node:path';
import { ENTRY_NAME, TEMP_NAME } from './format';

/** Fraction of a limit that triggers eviction. */
export const HIGH_WATER = 0.9;
/** Fraction of a limit eviction brings usage down to. */
export const LOW_WATER = 0.7;
/** Longest time the tally is trusted without a rescan, ms. */
export const RESCAN_INTERVAL_MS = 60_000;
/** Age after which a temporary file is abandoned even if its writer still runs, ms. */
export const STALE_TEMP_MS = 60_000;
/** Concurrent `lstat` calls during a scan: enough to overlap I/O, few enough not to flood libuv. */
const STAT_CONCURRENCY = 32;

/** One entry file found by a scan. */
export interface ScannedEntry {
  name: string;
  size: number;
  mtimeMs: number;
}

/** Limits the budget enforces. */
export interface BudgetLimits {
  maxSizeBytes: number;
  maxEntries: number;
}

/** Whether process `pid` still exists (a writer that may finish its temporary file). */
function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function unlinkQuietly(file: string): Promise<boolean> {
  try {
    await nodeFsPromises().unlink(file);
    return true;
  } catch {
    return false; // already gone (another process evicted it), or not ours to remove
  }
}

/**
 * Lists entry files (regular files with entry names; dot-files, symlinks and anything else
 * are ignored) and removes temporary files left by crashed writers.
 */
export async function scanDirectory(root: string, nowMs: number): Promise<ScannedEntry[]> {
  const dirents = await nodeFsPromises().readdir(root, { withFileTypes: true });
  const entries: ScannedEntry[] = [];
  const work = dirents.filter((d) => d.isFile() && (ENTRY_NAME.test(d.name) || TEMP_NAME.test(d.name)));
  for (let i = 0; i < work.length; i += STAT_CONCURRENCY) {
    await Promise.all(
      work.slice(i, i + STAT_CONCURRENCY).map(async (dirent) => {
        const file = path.join(root, dirent.name);
        const stats = await nodeFsPromises().lstat(file).catch(() => undefined);
        if (stats === undefined || !stats.isFile()) return;
        const temp = TEMP_NAME.exec(dirent.name);
        if (temp !== null) {
          const writerGone = !processAlive(Number(temp[2]));
          if (writerGone || nowMs - stats.mtimeMs > STALE_TEMP_MS) await unlinkQuietly(file);
          return;
        }
        entries.push({ name: dirent.name, size: stats.size, mtimeMs: stats.mtimeMs });
      }),
    );
  }
  return entries;
}

/** The in-process tally of one cache directory, with rescans and eviction. */
export class DirectoryBudget {
  /** Approximate bytes in entry files. */
  bytes = 0;
  /** Approximate number of entry files. */
  entries = 0;
  private lastScanAt = Number.NEGATIVE_INFINITY;
  private maintenance: Promise<void> | undefined;

  constructor(
    private readonly root: string,
    private readonly limits: BudgetLimits,
  ) {}

  /** Adds a change made by this process. */
  record(deltaBytes: number, deltaEntries: number): void {
    this.bytes = Math.max(0, this.bytes + deltaBytes);
    this.entries = Math.max(0, this.entries + deltaEntries);
  }

  /** Whether the tally crossed the high-water mark or is too old to trust. */
  needsMaintenance(nowMs: number): boolean {
    return (
      this.bytes > this.limits.maxSizeBytes * HIGH_WATER ||
      this.entries > this.limits.maxEntries * HIGH_WATER ||
      nowMs - this.lastScanAt > RESCAN_INTERVAL_MS
    );
  }

  /** Rescans (once at a time) and evicts if the directory is over the high-water mark. */
  maintain(nowMs: number): Promise<void> {
    this.maintenance ??= this.rescanAndEvict(nowMs).finally(() => {
      this.maintenance = undefined;
    });
    return this.maintenance;
  }

  private async rescanAndEvict(nowMs: number): Promise<void> {
    const found = await scanDirectory(this.root, nowMs);
    this.lastScanAt = nowMs;
    let bytes = found.reduce((sum, e) => sum + e.size, 0);
    let entries = found.length;
    const { maxSizeBytes, maxEntries } = this.limits;
    if (bytes > maxSizeBytes * HIGH_WATER || entries > maxEntries * HIGH_WATER) {
      // Least recently written first: reads do not touch files, so mtime is the write time.
      found.sort((a, b) => a.mtimeMs - b.mtimeMs);
      for (const entry of found) {
        if (bytes <= maxSizeBytes * LOW_WATER && entries <= maxEntries * LOW_WATER) break;
        await unlinkQuietly(path.join(this.root, entry.name));
        bytes -= entry.size;
        entries -= 1;
      }
    }
    this.bytes = bytes;
    this.entries = entries;
  }
}
