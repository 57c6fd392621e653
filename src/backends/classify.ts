/**
 * Classification of raw backend failures into a `BackendErrorKind`, so the reliability layer
 * can decide whether a retry, a breaker trip or a bypass makes sense.
 *
 * The kinds mean:
 * - `transient`: the server or the path to it is in a bad state that can clear by itself and
 *   affects every request (connection lost, loading, failover, cluster reconfiguring, disk
 *   full);
 * - `permanent`: this request fails while the backend keeps serving others (wrong type, bad
 *   argument, value too large, CROSSSLOT, writes refused under OOM, read-only file system,
 *   symlink refused) — retrying the same request now will not help;
 * - `timeout`: no answer in time; the server may or may not have applied the operation;
 * - `authentication`: credentials or permissions were rejected;
 * - `unknown`: anything else.
 */
import { BackendError, type BackendErrorKind } from '../errors';

/** First word of a Redis error reply (`WRONGPASS`, `OOM`, ...), upper-cased; '' if none. */
function replyCode(message: string): string {
  const match = /^([A-Z][A-Z_-]*)\b/.exec(message);
  return match?.[1] ?? '';
}

/** Redis reply codes whose cause is server state that changes by itself. */
const TRANSIENT_REPLY_CODES = new Set([
  'LOADING', // the server is loading its dataset after a restart
  'BUSY', // a script is running too long; SCRIPT KILL or its end frees the server
  'READONLY', // we reached a replica, typically mid-failover
  'MASTERDOWN', // a replica lost its master and refuses stale reads
  'CLUSTERDOWN', // slots unserved while the cluster reconfigures
  'TRYAGAIN', // multi-key operation during slot migration
  'MOVED', // slot map changed; a Cluster client only surfaces it after too many redirections
  'ASK',
]);

/**
 * Redis reply codes that refuse writes under a server-side limit while reads keep working:
 * memory full under `noeviction` (OOM), failing background saves (MISCONF), too few replicas
 * (NOREPLICAS). They are per-request failures (`permanent`): the server is up and serving, so
 * counting them as outages would open the circuit breaker and throw away working reads.
 */
const WRITE_REFUSAL_CODES = new Set(['OOM', 'MISCONF', 'NOREPLICAS']);

/** Redis reply codes meaning the credentials or ACL rules rejected us. */
const AUTH_REPLY_CODES = new Set(['NOAUTH', 'WRONGPASS', 'NOPERM']);

/** Node socket error codes of a connection that failed or broke. */
const TRANSIENT_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EAI_AGAIN', // DNS temporarily failing
  'ENOTFOUND', // DNS: can be a typo, but also a record that is being replaced
  'ERR_STREAM_DESTROYED',
  'ERR_SOCKET_CLOSED',
]);

/** TLS verification failures: a configuration problem that no retry fixes. */
const TLS_CONFIGURATION_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** Messages ioredis uses for a connection that is not usable right now. */
const TRANSIENT_CLIENT_MESSAGES = [
  'Connection is closed',
  "Stream isn't writeable",
  'Reached the max retries per request limit',
  'Failed to refresh slots cache',
  'All sentinels are unreachable',
  'Too many Cluster redirections',
  'Cluster isn\'t ready',
  'None of startup nodes is available',
];

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function errorName(err: unknown): string {
  if (typeof err !== 'object' || err === null) return '';
  const name = (err as { name?: unknown }).name;
  return typeof name === 'string' ? name : '';
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : '';
}

/**
 * Classifies an error raised by ioredis (or by the socket under it). Authentication is checked
 * first, so a `NOAUTH` that arrives as a reply is never mistaken for a connection problem.
 */
export function classifyRedisError(err: unknown): BackendErrorKind {
  if (err instanceof BackendError) return err.kind;
  const message = errorMessage(err);
  const name = errorName(err);
  const code = errorCode(err);

  // ioredis wraps the last node error of a failed cluster command in `lastNodeError`.
  const lastNodeError = (err as { lastNodeError?: unknown } | null)?.lastNodeError;

  if (name === 'ReplyError' || /^[A-Z]+ /.test(message)) {
    const reply = replyCode(message);
    if (AUTH_REPLY_CODES.has(reply)) return 'authentication';
    // Redis < 6 answered a wrong password with a plain ERR.
    if (reply === 'ERR' && /invalid password|AUTH.*without any password/i.test(message)) return 'authentication';
    if (TRANSIENT_REPLY_CODES.has(reply)) return 'transient';
    if (WRITE_REFUSAL_CODES.has(reply)) return 'permanent';
    if (name === 'ReplyError' && reply !== '') return 'permanent';
  }
  if (name === 'AbortError') {
    // ioredis aborts queued commands with an AbortError when the connection closes; an
    // AbortSignal's AbortError means the caller's deadline passed.
    return /connection|closed/i.test(message) ? 'transient' : 'timeout';
  }
  if (code === 'ETIMEDOUT' || /timed? ?out/i.test(message)) return 'timeout';
  if (code !== undefined && TRANSIENT_SOCKET_CODES.has(code)) return 'transient';
  if (code !== undefined && TLS_CONFIGURATION_CODES.has(code)) return 'permanent';
  if (name === 'MaxRetriesPerRequestError' || name === 'ClusterAllFailedError') return 'transient';
  if (TRANSIENT_CLIENT_MESSAGES.some((m) => message.includes(m))) return 'transient';
  if (lastNodeError !== undefined && lastNodeError !== err) return classifyRedisError(lastNodeError);
  if (name === 'ParserError') return 'transient'; // the stream desynchronised; reconnecting fixes it
  return 'unknown';
}

/** Where a file-system error happened: on the cache directory itself, or on one entry file. */
export type FsErrorScope = 'directory' | 'file';

const FS_TRANSIENT_CODES = new Set([
  'ENOSPC', // disk full: eviction or other processes may free space
  'EDQUOT',
  'EAGAIN',
  'EWOULDBLOCK',
  'EBUSY',
  'EINTR',
  'EMFILE', // too many open files in this process: clears as handles close
  'ENFILE',
  'ESTALE', // NFS handle went stale
  'EEXIST', // a temporary-name collision; the next attempt uses a new name
  'ENOENT', // the entry or the directory vanished under a concurrent delete
  'EIO',
]);

const FS_PERMANENT_CODES = new Set([
  'EROFS', // read-only file system
  'ELOOP', // a symlink where an entry should be: refused, never followed
  'ENOTDIR',
  'EISDIR',
  'ENAMETOOLONG',
  'EFBIG',
  'EINVAL',
  'EXDEV',
  'ENOTSUP',
  'EOPNOTSUPP',
]);

/**
 * Classifies a Node `fs` error by its `code`. Permission errors (`EACCES`, `EPERM`) are
 * permanent on the cache directory (nothing will fix them without an operator) but transient
 * on a single entry, where another process may have left a file with other permissions that
 * the next write replaces.
 */
export function classifyFsError(err: unknown, scope: FsErrorScope = 'file'): BackendErrorKind {
  if (err instanceof BackendError) return err.kind;
  const code = errorCode(err);
  if (code === undefined) return errorName(err) === 'AbortError' ? 'timeout' : 'unknown';
  if (code === 'ETIMEDOUT' || code === 'ABORT_ERR') return 'timeout';
  if (code === 'EACCES' || code === 'EPERM') return scope === 'directory' ? 'permanent' : 'transient';
  // Something that is not a directory sits where the cache directory should be.
  if (scope === 'directory' && (code === 'EEXIST' || code === 'ENOTDIR')) return 'permanent';
  if (FS_TRANSIENT_CODES.has(code)) return 'transient';
  if (FS_PERMANENT_CODES.has(code)) return 'permanent';
  return 'unknown';
}
