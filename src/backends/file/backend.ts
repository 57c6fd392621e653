/**
 * The file backend: one file per key in a flat directory, in cachekit-py's format, safe with
 * several processes reading and writing the same directory (see `entry-files.ts`), bounded in
 * size and entry count (see `directory-budget.ts`). It trusts only a directory no other user
 * can change (see `directory-trust.ts`) and only entry files this user could have written
 * (see `ownership.ts`); anything else is a miss, counted and logged (`rejected-entries.ts`).
 *
 * About 360 lines: one method per protocol operation plus the checked open every read shares;
 * the format, budget, trust and ownership rules each have their own file.
 */
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { nodeCrypto, nodeFsPromises } from '../../lazy-builtins';
import path from 'node:path';
import { BackendError, ConfigurationError } from '../../errors';
import {
  backendClosed,
  checkKey,
  checkPositiveTtl,
  checkTtlSeconds,
  checkValue,
  valueTooLarge,
} from '../arguments';
import { classifyFsError } from '../classify';
import { backendFailure, unlessAborted } from '../abort';
import type { BackendCallOptions, BackendHealth, CacheBackend } from '../types';
import { DirectoryBudget } from './directory-budget';
import { refuseUntrustedDirectory, resolveTrustedDirectory } from './directory-trust';
import { openEntry, readAt, removeIfUnchanged, tempFileName, writeEntryAtomically } from './entry-files';
import {
  decodeHeader,
  encodeHeader,
  entryFileName,
  expiryFor,
  FILE_HEADER_BYTES,
  isExpired,
  type HeaderVerdict,
} from './format';
import { validateFileOptions, type FileBackendOptions, type FileSettings } from './options';
import { processUid, untrustedEntryReason } from './ownership';
import { RejectedEntries, type RejectedEntryCounts, type RejectionKind } from './rejected-entries';

const BACKEND = 'file';

/** Kind of a failed file system call on an entry. */
const classifyFsFailure = (err: unknown) => classifyFsError(err, 'file');
/** Mode of a cache directory cachekit creates: owner only. */
export const CACHE_DIRECTORY_MODE = 0o700;

/** An open entry with its stats, the bytes read and the header verdict. */
interface OpenedEntry {
  handle: FileHandle;
  stats: Stats;
  /** The header (header-only reads) or the whole file. */
  bytes: Buffer;
  verdict: HeaderVerdict;
}

/** The file-directory backend. */
export class FileBackend implements CacheBackend {
  readonly backendType = 'file';
  /** Validated settings (the directory as given, resolved to an absolute path). */
  readonly settings: Readonly<FileSettings>;

  private root: string | undefined;
  private budget: DirectoryBudget | undefined;
  private starting: Promise<void> | undefined;
  private closed = false;
  private readonly rejected = new RejectedEntries(() => this.root ?? this.settings.directory);

  /**
   * Validates the options, and refuses (`ConfigurationError`) an existing directory that
   * another user could change. A missing one is created, mode 0700, on first use.
   */
  constructor(options: FileBackendOptions) {
    this.settings = validateFileOptions(options);
    refuseUntrustedDirectory(this.settings.directory);
  }

  /** Entry files refused so far (corrupt, or not written by this user), by kind. */
  get rejectedEntries(): RejectedEntryCounts {
    return this.rejected.snapshot();
  }

  /**
   * Creates the directory, checks again that only this user can change it (it may have been
   * created or replaced since the constructor looked), removes stale temporary files and
   * counts entries.
   */
  private start(): Promise<void> {
    this.starting ??= (async () => {
      const directory = this.settings.directory;
      try {
        await nodeFsPromises().mkdir(directory, { recursive: true, mode: CACHE_DIRECTORY_MODE });
        const root = await resolveTrustedDirectory(directory);
        const budget = new DirectoryBudget(root, this.settings);
        await budget.maintain(this.settings.clock());
        this.root = root;
        this.budget = budget;
      } catch (err) {
        // Retried on the next call: the directory may be mounted or fixed meanwhile.
        this.starting = undefined;
        throw new BackendError(
          `file cache directory ${directory} is unusable: ${(err as Error).message}`,
          err instanceof ConfigurationError ? 'permanent' : classifyFsError(err, 'directory'),
          { operation: 'open', cause: err },
        );
      }
    })();
    return this.starting;
  }

  /** Runs one operation after start-up, its failure classified, raced against the caller's signal. */
  private run<T>(
    operation: string,
    key: string | undefined,
    options: BackendCallOptions | undefined,
    work: (root: string, budget: DirectoryBudget) => Promise<T>,
  ): Promise<T> {
    if (this.closed) return Promise.reject(backendClosed(BACKEND, operation, key));
    const ctx = { backend: BACKEND, operation, key };
    const done = (async () => {
      await this.start();
      return work(this.root!, this.budget!);
    })().catch((err: unknown) => {
      throw backendFailure(err, ctx, classifyFsFailure);
    });
    return unlessAborted(done, options?.signal, ctx);
  }

  /**
   * Opens the entry file `file` and judges its header; `null` when there is no usable file.
   * The opened file's own stat decides whether it is trusted, so nothing can be swapped in
   * between the check and the read (or the header update).
   */
  private async openChecked(file: string, budget: DirectoryBudget, headerOnly: boolean, forUpdate = false): Promise<OpenedEntry | null> {
    const handle = await openEntry(file, forUpdate);
    if (handle === 'missing') return null;
    if (handle === 'symlink' || handle === 'directory') {
      const stats = await nodeFsPromises().lstat(file).catch(() => undefined);
      if (stats !== undefined) await this.refuse(file, stats, budget, 'untrusted', handle);
      return null;
    }
    try {
      const stats = await handle.stat();
      const distrust = untrustedEntryReason(stats, processUid());
      if (distrust !== undefined) {
        await handle.close();
        await this.refuse(file, stats, budget, 'untrusted', distrust);
        return null;
      }
      // A file larger than any value this backend accepts is not read into memory.
      if (stats.size > FILE_HEADER_BYTES + this.settings.maxValueBytes) {
        await handle.close();
        return null;
      }
      const length = headerOnly ? Math.min(stats.size, FILE_HEADER_BYTES) : stats.size;
      const bytes = await readAt(handle, length, 0);
      // A file that shrank while being read was not written by an atomic rename: damaged.
      const verdict: HeaderVerdict = bytes.length === length ? decodeHeader(bytes) : { kind: 'corrupt' };
      return { handle, stats, bytes, verdict };
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
  }

  /** Removes a corrupt or expired entry (unless replaced meanwhile) and updates the tally. */
  private async discard(file: string, stats: Stats, budget: DirectoryBudget): Promise<void> {
    // Scans count regular files only; removing the name never touches what a link points to.
    if ((await removeIfUnchanged(file, stats)) && stats.isFile()) budget.record(-stats.size, -1);
  }

  /** Counts, logs and removes an entry file that is not served. */
  private async refuse(file: string, stats: Stats, budget: DirectoryBudget, kind: RejectionKind, reason: string): Promise<void> {
    this.rejected.record(kind, path.basename(file), reason);
    await this.discard(file, stats, budget);
  }

  /**
   * The expiry of an opened live entry, or `null` for a miss: a corrupt file is refused
   * (counted, logged, removed), an expired one removed, and a file of a newer format left for
   * the writer that understands it.
   */
  private async liveExpiry(file: string, opened: OpenedEntry, budget: DirectoryBudget, nowMs: number): Promise<number | null> {
    const { verdict, stats } = opened;
    if (verdict.kind === 'foreign') return null;
    if (verdict.kind === 'corrupt') {
      await this.refuse(file, stats, budget, 'corrupt', 'corrupt');
      return null;
    }
    if (isExpired(verdict.expiresAt, nowMs)) {
      await this.discard(file, stats, budget);
      return null;
    }
    return verdict.expiresAt;
  }

  /**
   * Reads the live entry for `key`: the payload (or `true` when `headerOnly`) and its expiry,
   * or `null` for a miss (see `openChecked` and `liveExpiry`).
   */
  private async readLive(
    root: string,
    budget: DirectoryBudget,
    key: string,
    headerOnly: boolean,
  ): Promise<{ payload: Buffer | null; expiresAt: number } | null> {
    const file = path.join(root, entryFileName(key));
    const opened = await this.openChecked(file, budget, headerOnly);
    if (opened === null) return null;
    await opened.handle.close();
    const expiresAt = await this.liveExpiry(file, opened, budget, this.settings.clock());
    if (expiresAt === null) return null;
    return { payload: headerOnly ? null : opened.bytes.subarray(FILE_HEADER_BYTES), expiresAt };
  }

  async get(key: string, options?: BackendCallOptions): Promise<Buffer | null> {
    checkKey(BACKEND, 'get', key);
    return this.run('get', key, options, async (root, budget) => {
      const live = await this.readLive(root, budget, key, false);
      return live === null ? null : live.payload;
    });
  }

  async set(key: string, value: Buffer, ttlSeconds?: number, options?: BackendCallOptions): Promise<void> {
    checkKey(BACKEND, 'set', key);
    checkValue(BACKEND, 'set', key, value);
    const ttl = checkTtlSeconds(BACKEND, 'set', key, ttlSeconds);
    if (value.length > this.settings.maxValueBytes) {
      throw valueTooLarge(BACKEND, 'set', key, value.length, this.settings.maxValueBytes);
    }
    await this.run(
      'set',
      key,
      options,
      async (root, budget) => {
        const now = this.settings.clock();
        const name = entryFileName(key);
        const header = encodeHeader(expiryFor(ttl, now));
        const result = await this.writeWithRecovery(root, name, header, value);
        budget.record(FILE_HEADER_BYTES + value.length - result.replacedBytes, result.replaced ? 0 : 1);
        if (budget.needsMaintenance(now)) await budget.maintain(now);
      },
    );
  }

  /** Writes the entry; if the directory vanished (deleted by hand), recreates it once. */
  private async writeWithRecovery(root: string, name: string, header: Buffer, value: Buffer) {
    const attempt = () => writeEntryAtomically(path.join(root, tempFileName(name)), path.join(root, name), header, value);
    try {
      return await attempt();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await nodeFsPromises().mkdir(root, { recursive: true, mode: CACHE_DIRECTORY_MODE });
      return attempt();
    }
  }

  async delete(key: string, options?: BackendCallOptions): Promise<boolean> {
    checkKey(BACKEND, 'delete', key);
    return this.run('delete', key, options, async (root, budget) => {
      const file = path.join(root, entryFileName(key));
      const stats = await nodeFsPromises().lstat(file).catch(() => undefined);
      if (stats === undefined) return false;
      try {
        await nodeFsPromises().unlink(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw err;
      }
      if (!stats.isFile()) return false; // a planted symlink or other junk: removed, but it was no entry
      budget.record(-stats.size, -1);
      return true;
    });
  }

  async exists(key: string, options?: BackendCallOptions): Promise<boolean> {
    checkKey(BACKEND, 'exists', key);
    return this.run('exists', key, options, async (root, budget) => (await this.readLive(root, budget, key, true)) !== null);
  }

  async getTtl(key: string, options?: BackendCallOptions): Promise<number | null> {
    checkKey(BACKEND, 'getTtl', key);
    return this.run('getTtl', key, options, async (root, budget) => {
      const live = await this.readLive(root, budget, key, true);
      if (live === null || live.expiresAt === 0) return null;
      return Math.max(1, Math.ceil(live.expiresAt - this.settings.clock() / 1000));
    });
  }

  async refreshTtl(key: string, ttlSeconds: number, options?: BackendCallOptions): Promise<boolean> {
    checkKey(BACKEND, 'refreshTtl', key);
    const ttl = checkPositiveTtl(BACKEND, 'refreshTtl', key, ttlSeconds);
    return this.run('refreshTtl', key, options, async (root, budget) => {
      const file = path.join(root, entryFileName(key));
      const opened = await this.openChecked(file, budget, true, true);
      if (opened === null) return false;
      const { handle } = opened;
      try {
        const now = this.settings.clock();
        if ((await this.liveExpiry(file, opened, budget, now)) === null) return false;
        // Rewrites only the 8 expiry bytes of the file this handle opened, which its stat showed
        // to be this user's with no other link: the write cannot land in a file elsewhere. If a
        // writer renamed a new entry into place meanwhile, the old inode gets the update and the
        // new entry keeps its own TTL: a refresh is lost, never a value.
        const expiry = Buffer.alloc(8);
        expiry.writeBigUInt64BE(BigInt(expiryFor(ttl, now)));
        await handle.write(expiry, 0, 8, 6);
        return true;
      } finally {
        await handle.close();
      }
    });
  }

  async healthCheck(): Promise<BackendHealth> {
    const started = performance.now();
    const probeKey = `__cachekit_health__:${process.pid}:${nodeCrypto().randomBytes(6).toString('hex')}`;
    const probe = nodeCrypto().randomBytes(16);
    try {
      await this.set(probeKey, probe, 60);
      const back = await this.get(probeKey);
      await this.delete(probeKey);
      const latencyMs = Math.round((performance.now() - started) * 100) / 100;
      return {
        ok: back !== null && back.equals(probe),
        latencyMs,
        backendType: BACKEND,
        details: {
          directory: this.root,
          sizeBytes: this.budget?.bytes,
          entries: this.budget?.entries,
          maxSizeBytes: this.settings.maxSizeBytes,
          maxEntries: this.settings.maxEntries,
          rejectedEntries: this.rejected.snapshot(),
        },
      };
    } catch (err) {
      return {
        ok: false,
        latencyMs: -1,
        backendType: BACKEND,
        details: {
          directory: this.settings.directory,
          error: err instanceof Error ? err.message : String(err),
          errorKind: err instanceof BackendError ? err.kind : 'unknown',
        },
      };
    }
  }

  /** Rescans the directory now: refreshes the tally and evicts if over the limits. */
  async compact(): Promise<{ sizeBytes: number; entries: number }> {
    return this.run('compact', undefined, undefined, async (_root, budget) => {
      await budget.maintain(this.settings.clock());
      return { sizeBytes: budget.bytes, entries: budget.entries };
    });
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
