/**
 * Whether a cache directory can be trusted: nobody but this process's user (and root) can put
 * files in it, or swap it for another one.
 *
 * The path is resolved by hand, one component at a time, so every step is judged:
 * - the cache directory must be owned by this user and not writable by group or others;
 * - every directory above it must be owned by this user or root and not writable by group or
 *   others, unless sticky like /tmp (otherwise anyone could rename the cache directory away
 *   and put their own in its place);
 * - every symlink on the way must be owned by this user or root (its owner decides where the
 *   cache goes).
 * Once those hold, no other user can change what the path names, so later operations may use
 * the path without re-checking it.
 *
 * The walk is written once, as a generator that asks for the facts of one path at a time, and
 * driven synchronously by the constructor (to refuse at wrap time) and asynchronously at
 * start-up (under the operation deadline: a stuck disk must not freeze the event loop).
 */
import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import { nodeFsPromises } from '../../lazy-builtins';
import path from 'node:path';
import { ConfigurationError } from '../../errors';
import { isSticky, octalMode, ownedByUserOrRoot, processUid, writableByOthers } from './ownership';

/** Symlinks followed before giving up, as Linux does (MAXSYMLINKS). */
const MAX_SYMLINKS = 40;

/** What `lstat` (and `readlink`, for a symlink) say about one path. */
interface PathFacts {
  stats: Stats;
  linkTarget?: string;
}

/** Something another user controls, and what to do about it. */
interface Distrust {
  problem: string;
  fix: string;
}

/** The outcome of a walk. */
type DirectoryVerdict =
  | { kind: 'trusted'; realPath: string }
  | { kind: 'untrusted'; distrust: Distrust }
  /** A component does not exist (yet): `mkdir` creates it with mode 0700. */
  | { kind: 'missing' }
  | { kind: 'not-directory'; path: string }
  | { kind: 'symlink-loop'; path: string };

type Walk = Generator<string, DirectoryVerdict, PathFacts | null>;

/** Names along a POSIX path (the walk runs only where there are uids, never on Windows). */
function components(target: string): string[] {
  return target.split('/').filter((part) => part !== '' && part !== '.');
}

function judgeParent(parent: string, stats: Stats, uid: number, directory: string): Distrust | undefined {
  if (!ownedByUserOrRoot(stats, uid)) {
    return {
      problem: `a directory on its path, ${parent}, is owned by uid ${stats.uid}, who could replace ${directory}`,
      fix: 'put the cache directory under a directory owned by this user or root',
    };
  }
  if (writableByOthers(stats) && !isSticky(stats)) {
    return {
      problem: `a directory on its path, ${parent} (mode ${octalMode(stats)}), can be written by other users, who could replace ${directory}`,
      fix: `\`chmod go-w ${parent}\`, or \`chmod +t ${parent}\` as /tmp has, or put the cache directory elsewhere`,
    };
  }
  return undefined;
}

function judgeCacheDirectory(directory: string, stats: Stats, uid: number): Distrust | undefined {
  const problems: string[] = [];
  if (stats.uid !== uid) problems.push(`it is owned by uid ${stats.uid}, not by this process's user (uid ${uid})`);
  if (writableByOthers(stats)) problems.push(`its mode ${octalMode(stats)} lets group or others write to it`);
  if (problems.length === 0) return undefined;
  const fix =
    stats.uid === uid
      ? `\`chmod 700 ${directory}\``
      : `use a directory of this user's (a missing one is created with mode 0700), or \`chown ${uid} ${directory} && chmod 700 ${directory}\``;
  return { problem: `${problems.join(' and ')}; anyone who can write there can plant entries that cachekit would serve`, fix };
}

/** Resolves `directory` component by component, judging each step (see the module comment). */
function* walkDirectory(directory: string, uid: number): Walk {
  const visited = new Map<string, Stats>();
  let current = path.parse(directory).root;
  const rootFacts = yield current;
  if (rootFacts === null) return { kind: 'missing' };
  visited.set(current, rootFacts.stats);
  const pending = components(directory);
  let links = 0;
  while (pending.length > 0) {
    const name = pending.shift()!;
    if (name === '..') {
      current = path.dirname(current); // an ancestor of a real path: visited on the way down
      continue;
    }
    const parentDistrust = judgeParent(current, visited.get(current)!, uid, directory);
    if (parentDistrust !== undefined) return { kind: 'untrusted', distrust: parentDistrust };
    const next = path.join(current, name);
    const facts = yield next;
    if (facts === null) return { kind: 'missing' };
    if (facts.linkTarget !== undefined) {
      if (!ownedByUserOrRoot(facts.stats, uid)) {
        return {
          kind: 'untrusted',
          distrust: {
            problem: `the symlink ${next} is owned by uid ${facts.stats.uid}, who decides where the cache goes`,
            fix: 'pass the real path of a directory of your own, or replace the symlink with one you own',
          },
        };
      }
      if (++links > MAX_SYMLINKS) return { kind: 'symlink-loop', path: next };
      if (path.isAbsolute(facts.linkTarget)) current = path.parse(facts.linkTarget).root;
      pending.unshift(...components(facts.linkTarget));
      continue;
    }
    if (!facts.stats.isDirectory()) return { kind: 'not-directory', path: next };
    visited.set(next, facts.stats);
    current = next;
  }
  const distrust = judgeCacheDirectory(current, visited.get(current)!, uid);
  return distrust === undefined ? { kind: 'trusted', realPath: current } : { kind: 'untrusted', distrust };
}

function untrustedDirectoryError(directory: string, distrust: Distrust): ConfigurationError {
  return new ConfigurationError(
    `FileBackend option \`directory\` (${directory}) is not safe to cache in: ${distrust.problem}. Fix: ${distrust.fix}.`,
  );
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

function factsSync(target: string): PathFacts | null {
  try {
    const stats = lstatSync(target);
    return stats.isSymbolicLink() ? { stats, linkTarget: readlinkSync(target) } : { stats };
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

async function factsAsync(target: string): Promise<PathFacts | null> {
  try {
    const stats = await nodeFsPromises().lstat(target);
    return stats.isSymbolicLink() ? { stats, linkTarget: await nodeFsPromises().readlink(target) } : { stats };
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

/**
 * Throws `ConfigurationError` when `directory` exists (in part) and another user could change
 * it. Anything else — a missing directory, a file in its place, an unreadable parent — is left
 * for start-up to create or report. A no-op on Windows.
 */
export function refuseUntrustedDirectory(directory: string): void {
  const uid = processUid();
  if (uid === undefined) return;
  const walk = walkDirectory(directory, uid);
  let verdict: DirectoryVerdict;
  try {
    let step = walk.next();
    while (!step.done) step = walk.next(factsSync(step.value));
    verdict = step.value;
  } catch {
    return; // start-up meets the same error and reports it as a BackendError
  }
  if (verdict.kind === 'untrusted') throw untrustedDirectoryError(directory, verdict.distrust);
}

/**
 * The real path of the existing cache directory `directory`, after judging every step to it.
 * Throws `ConfigurationError` when another user could change it, and an `ENOTDIR` or `ENOENT`
 * error when it is not (or no longer) a directory. On Windows: its real path, if a directory.
 */
export async function resolveTrustedDirectory(directory: string): Promise<string> {
  const uid = processUid();
  let verdict: DirectoryVerdict;
  if (uid === undefined) {
    const realPath = await nodeFsPromises().realpath(directory);
    verdict = (await nodeFsPromises().stat(realPath)).isDirectory() ? { kind: 'trusted', realPath } : { kind: 'not-directory', path: realPath };
  } else {
    const walk = walkDirectory(directory, uid);
    let step = walk.next();
    while (!step.done) step = walk.next(await factsAsync(step.value));
    verdict = step.value;
  }
  switch (verdict.kind) {
    case 'trusted':
      return verdict.realPath;
    case 'untrusted':
      throw untrustedDirectoryError(directory, verdict.distrust);
    case 'missing':
      throw Object.assign(new Error(`${directory} does not exist`), { code: 'ENOENT' });
    case 'not-directory':
      throw Object.assign(new Error(`${verdict.path} is not a directory`), { code: 'ENOTDIR' });
    case 'symlink-loop':
      throw Object.assign(new Error(`more than ${MAX_SYMLINKS} symlinks on the way to ${directory}, at ${verdict.path}`), { code: 'ELOOP' });
  }
}
