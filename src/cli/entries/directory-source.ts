/**
 * Entries of a file-cache directory, read the way the file backend reads them (no symlink
 * followed, a FIFO never blocks, the opened file's own stat judged) and removed the way it
 * removes them (only while the name still holds the file that was read). The directory is
 * walked with `opendir`, which streams names, so a million entries are never listed at once.
 *
 * Nothing is touched in a directory that is not a cache: before any command runs, the walk
 * checks that every name in it is an entry or a writer's temporary file (dot-files aside).
 */
import type { Stats } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import { openEntry, readAt, removeIfUnchanged } from '../../backends/file/entry-files';
import { decodeHeader, ENTRY_NAME, entryFileName, FILE_HEADER_BYTES, TEMP_NAME } from '../../backends/file/format';
import { processUid, untrustedEntryReason } from '../../backends/file/ownership';
import { limits } from '../../native';
import { CliError, ExitCode } from '../exit-codes';
import type { EntrySource, StoredEntry, StoredKeyRef } from './entry-source';
import type { Selection } from './selection';

/** Entry files read at once. */
const READ_CONCURRENCY = 32;
/** Names handed over per batch. */
const BATCH = 256;

/** What removing a file entry needs: its path and the stats it had when read. */
interface FileRemoval {
  readonly file: string;
  readonly stats: Stats | undefined;
}

/** The file-cache entry source. */
export class DirectoryEntrySource implements EntrySource {
  readonly description: string;
  private entryCount: number | undefined;

  constructor(
    private readonly directory: string,
    private readonly now: () => number = Date.now,
  ) {
    this.description = `the file cache ${directory}`;
  }

  async open(): Promise<void> {
    const stats = await stat(this.directory).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw new CliError(`There is no directory at ${this.directory}. Fix: pass the cache directory the application uses (its CACHEKIT_FILE_CACHE_DIR).`, ExitCode.USAGE);
      throw new CliError(`Cannot read ${this.directory}: ${error.message}`, ExitCode.UNAVAILABLE);
    });
    if (!stats.isDirectory()) throw new CliError(`${this.directory} is not a directory. Fix: pass the cache directory itself.`, ExitCode.USAGE);
    let entries = 0;
    for await (const name of this.names()) {
      if (name.kind === 'entry') entries++;
      else if (name.kind === 'foreign') {
        throw new CliError(
          `${this.directory} is not a cachekit file cache: it holds ${JSON.stringify(name.name)}, and a cache directory holds only entry files (32 hex digits) and their temporary files. ` +
            'Fix: pass the directory the application caches in; nothing was read or changed.',
          ExitCode.USAGE,
        );
      }
    }
    this.entryCount = entries;
  }

  async estimateTotal(): Promise<number | undefined> {
    return this.entryCount;
  }

  async keys(selection: Selection, visit: (batch: StoredKeyRef[]) => Promise<void>): Promise<void> {
    for await (const files of this.selectedFiles(selection)) {
      await visit(files.map(({ file, key }) => ({ key, file, removal: { file: path.join(this.directory, file), stats: undefined } satisfies FileRemoval })));
    }
  }

  async entries(selection: Selection, visit: (batch: StoredEntry[]) => Promise<void>): Promise<void> {
    for await (const files of this.selectedFiles(selection)) {
      const batch: StoredEntry[] = [];
      for (let i = 0; i < files.length; i += READ_CONCURRENCY) {
        const read = await Promise.all(files.slice(i, i + READ_CONCURRENCY).map(({ file, key }) => this.read(file, key)));
        for (const entry of read) if (entry !== undefined) batch.push(entry);
      }
      if (batch.length > 0) await visit(batch);
    }
  }

  async removeUnchanged(entries: readonly StoredEntry[]): Promise<number> {
    let removed = 0;
    for (const entry of entries) {
      const { file, stats } = entry.removal as FileRemoval;
      if (stats !== undefined && (await removeIfUnchanged(file, stats))) removed++;
    }
    return removed;
  }

  async remove(refs: readonly StoredKeyRef[]): Promise<number> {
    let removed = 0;
    for (const ref of refs) {
      const { file } = ref.removal as FileRemoval;
      const stats = await stat(file).catch(() => undefined);
      if (stats?.isFile() && (await removeIfUnchanged(file, stats))) removed++;
    }
    return removed;
  }

  async close(): Promise<void> {}

  /** Entry file names the selection covers, in batches: one exact key, or every entry. */
  private async *selectedFiles(selection: Selection): AsyncGenerator<Array<{ file: string; key: string | undefined }>> {
    if (selection.exactKey !== undefined) {
      yield [{ file: entryFileName(selection.exactKey), key: selection.exactKey }];
      return;
    }
    if (!selection.everything) {
      throw new CliError(
        `A file cache names each entry by a hash of its key, so it cannot select ${selection.label}. ` +
          "Fix: select every entry ('*' or --all), or one entry by its exact key.",
        ExitCode.USAGE,
      );
    }
    let batch: Array<{ file: string; key: undefined }> = [];
    for await (const name of this.names()) {
      if (name.kind !== 'entry') continue;
      batch.push({ file: name.name, key: undefined });
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  /** Every name in the directory, judged by its name and type. */
  private async *names(): AsyncGenerator<{ name: string; kind: 'entry' | 'temporary' | 'hidden' | 'foreign' }> {
    const dir = await opendir(this.directory).catch((error: Error) => {
      throw new CliError(`Cannot read ${this.directory}: ${error.message}`, ExitCode.UNAVAILABLE);
    });
    for await (const dirent of dir) {
      const { name } = dirent;
      if (name.startsWith('.')) yield { name, kind: 'hidden' };
      else if (ENTRY_NAME.test(name) && !dirent.isDirectory()) yield { name, kind: 'entry' };
      else if (TEMP_NAME.test(name) && dirent.isFile()) yield { name, kind: 'temporary' };
      else yield { name, kind: 'foreign' };
    }
  }

  /** One entry file, judged as the file backend judges it; undefined when it is gone. */
  private async read(name: string, key: string | undefined): Promise<StoredEntry | undefined> {
    const file = path.join(this.directory, name);
    const base = { key, file: name };
    const handle = await openEntry(file);
    if (handle === 'missing') return undefined;
    if (handle === 'symlink' || handle === 'directory') {
      const reason = handle === 'symlink' ? 'a symlink, which cachekit never follows' : 'a directory';
      return { ...base, value: null, ttlSeconds: null, storedBytes: 0, unreadable: { reason, corrupt: true }, removal: { file, stats: undefined } };
    }
    try {
      const stats = await handle.stat();
      const removal: FileRemoval = { file, stats };
      const distrust = untrustedEntryReason(stats, processUid());
      if (distrust !== undefined) {
        return { ...base, value: null, ttlSeconds: null, storedBytes: stats.size, unreadable: { reason: `not written by this user: ${distrust}`, corrupt: true }, removal };
      }
      if (stats.size > FILE_HEADER_BYTES + limits.maxCompressedSize) {
        return { ...base, value: null, ttlSeconds: null, storedBytes: stats.size, unreadable: { reason: 'larger than any entry can be', corrupt: false }, removal };
      }
      const bytes = await readAt(handle, stats.size, 0);
      const verdict = bytes.length === stats.size ? decodeHeader(bytes) : ({ kind: 'corrupt' } as const);
      if (verdict.kind === 'corrupt') {
        return { ...base, value: null, ttlSeconds: null, storedBytes: stats.size, unreadable: { reason: 'the file header is damaged (no CK v1 header)', corrupt: true }, removal };
      }
      if (verdict.kind === 'foreign') {
        return { ...base, value: null, ttlSeconds: null, storedBytes: stats.size, unreadable: { reason: 'written by a newer file format', corrupt: false }, removal };
      }
      const ttlSeconds = verdict.expiresAt === 0 ? null : Math.ceil(verdict.expiresAt - this.now() / 1000);
      return { ...base, value: bytes.subarray(FILE_HEADER_BYTES), ttlSeconds, storedBytes: stats.size, removal };
    } finally {
      await handle.close().catch(() => undefined);
    }
  }
}
