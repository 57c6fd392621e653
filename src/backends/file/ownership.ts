/**
 * Who may change a file or directory, judged from its stats: the facts the file backend's
 * trust checks are made of.
 *
 * On Windows there is no uid and the mode bits do not describe who may write, so ownership is
 * not checked there (`processUid()` is `undefined`); only file types and link counts are.
 */
import type { Stats } from 'node:fs';

const GROUP_OR_OTHERS_WRITE = 0o022;
const STICKY = 0o1000;
/** uid of root, who can change anything anyway and owns the system's directories. */
const ROOT_UID = 0;

/** The effective uid of this process (the owner of the files it creates); undefined on Windows. */
export function processUid(): number | undefined {
  return process.geteuid?.();
}

/** Whether the group or others may write (create, rename, remove entries in a directory). */
export function writableByOthers(stats: Stats): boolean {
  return (stats.mode & GROUP_OR_OTHERS_WRITE) !== 0;
}

/** Whether the sticky bit is set: in such a directory only an entry's owner may rename or remove it. */
export function isSticky(stats: Stats): boolean {
  return (stats.mode & STICKY) !== 0;
}

/** Whether `owner` is this process's user or root. */
export function ownedByUserOrRoot(stats: Stats, uid: number): boolean {
  return stats.uid === uid || stats.uid === ROOT_UID;
}

/** Permission bits as `ls` and `chmod` spell them: `0700`, `1777`. */
export function octalMode(stats: Stats): string {
  return (stats.mode & 0o7777).toString(8).padStart(4, '0');
}

/**
 * Why an opened entry file cannot be one this process wrote, or `undefined` when it can be.
 * cachekit writes entries as new regular files owned by this user and renames them into
 * place, so they have one link. A second link means the same bytes live elsewhere too
 * (rewriting them would write to that other file); another owner means someone else put it
 * there. No link at all is fine: another process evicted or replaced the entry after it was
 * opened, and the open file is still the one that was written.
 */
export function untrustedEntryReason(stats: Stats, uid: number | undefined): string | undefined {
  if (!stats.isFile()) return 'not a regular file';
  if (stats.nlink > 1) return `${stats.nlink} links (a hard link to a file elsewhere)`;
  if (uid !== undefined && stats.uid !== uid) return `owned by uid ${stats.uid}, not by this process's uid ${uid}`;
  return undefined;
}
