/**
 * Reading and writing one entry file safely while other processes do the same.
 *
 * Writes never touch the live file: the bytes go to a fresh temporary file (created
 * exclusively, never through a symlink, mode 0600), are fsynced, and the temporary file is
 * renamed over the entry. rename() is atomic, so a reader sees the old file or the new one,
 * never a torn mix — even when the writer is killed mid-write (only its temporary file is
 * left, and a later scan removes it).
 *
 * Reads open without following symlinks and without blocking (a FIFO planted under an entry
 * name must not hang the reader); the caller then judges the *opened* file's stat, not the
 * name's, so nothing can be swapped in between (see `ownership.ts`).
 */
import { nodeCrypto, nodeFsPromises } from '../../lazy-builtins';
import { constants, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

// O_NOFOLLOW and O_NONBLOCK do not exist on Windows, where symlinks need privileges anyway.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;
const READ_FLAGS = constants.O_RDONLY | NOFOLLOW | NONBLOCK;
const UPDATE_FLAGS = constants.O_RDWR | NOFOLLOW | NONBLOCK;
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW;

/** Mode of entry files: readable and writable by the owner only. */
export const ENTRY_FILE_MODE = 0o600;

/** Writes every buffer in full, looping over short writes. */
async function writeAll(handle: FileHandle, buffers: Buffer[]): Promise<void> {
  let position = 0;
  for (const buffer of buffers) {
    let offset = 0;
    while (offset < buffer.length) {
      const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset, position);
      offset += bytesWritten;
      position += bytesWritten;
    }
  }
}

/** Reads `length` bytes from `position`, looping over short reads; returns what was read. */
export async function readAt(handle: FileHandle, length: number, position: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let offset = 0;
  while (offset < length) {
    const { bytesRead } = await handle.read(buffer, offset, length - offset, position + offset);
    if (bytesRead === 0) break;
    offset += bytesRead;
  }
  return offset === length ? buffer : buffer.subarray(0, offset);
}

/** Name of a temporary file for `entryName`, unique across processes and calls. */
export function tempFileName(entryName: string): string {
  return `${entryName}.tmp.${process.pid}.${nodeCrypto().randomBytes(6).toString('hex')}`;
}

/**
 * Atomically replaces `target` with `header` + `value` via `tempPath`. Returns the size of
 * the file the rename replaced (0 if there was none) for the directory tally.
 */
export async function writeEntryAtomically(
  tempPath: string,
  target: string,
  header: Buffer,
  value: Buffer,
): Promise<{ replacedBytes: number; replaced: boolean }> {
  let handle: FileHandle | undefined;
  try {
    handle = await nodeFsPromises().open(tempPath, CREATE_FLAGS, ENTRY_FILE_MODE);
    await writeAll(handle, [header, value]);
    // Data on disk before the name points at it: after a power loss the entry is either the
    // old one or the complete new one, not a zero-length file.
    await handle.sync();
    await handle.close();
    handle = undefined;
    const previous = await nodeFsPromises().lstat(target).catch(() => undefined);
    await nodeFsPromises().rename(tempPath, target);
    return { replacedBytes: previous?.isFile() ? previous.size : 0, replaced: previous?.isFile() ?? false };
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await nodeFsPromises().unlink(tempPath).catch(() => undefined);
    throw err;
  }
}

/**
 * What an entry's name held when opened: an open file (judge it by its `stat()` before use),
 * nothing, or something that is refused without opening it.
 */
export type EntryOpening = FileHandle | 'missing' | 'symlink' | 'directory';

/** Opens an entry for reading (or, with `forUpdate`, for rewriting its header in place). */
export async function openEntry(file: string, forUpdate = false): Promise<EntryOpening> {
  try {
    return await nodeFsPromises().open(file, forUpdate ? UPDATE_FLAGS : READ_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing';
    // ELOOP: the name is a symlink, which is never followed. EMLINK is FreeBSD's spelling.
    if (code === 'ELOOP' || code === 'EMLINK') return 'symlink';
    // A directory cannot be opened for writing (reading one succeeds, and its stat refuses it).
    if (code === 'EISDIR') return 'directory';
    throw err;
  }
}

/**
 * Removes `file` if it is still the file described by `seen` (same device and inode): a
 * writer may have renamed a fresh entry into place since it was read, and that one stays.
 */
export async function removeIfUnchanged(file: string, seen: Stats): Promise<boolean> {
  const now = await nodeFsPromises().lstat(file).catch(() => undefined);
  if (now === undefined || now.ino !== seen.ino || now.dev !== seen.dev) return false;
  return nodeFsPromises().unlink(file).then(
    () => true,
    () => false,
  );
}
