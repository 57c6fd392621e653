import { openSync, constants, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ReplyError } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { BackendError } from '../../src/errors';
import { classifyFsError, classifyRedisError } from '../../src/backends/classify';
import { thrown } from '../support/thrown';

const dir = mkdtempSync(path.join(tmpdir(), 'cachekit-classify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

describe('classifyRedisError', () => {
  it.each([
    ['NOAUTH Authentication required.', 'authentication'],
    ['WRONGPASS invalid username-password pair or user is disabled.', 'authentication'],
    ["NOPERM this user has no permissions to run the 'get' command", 'authentication'],
    ['ERR invalid password', 'authentication'],
    ['LOADING Redis is loading the dataset in memory', 'transient'],
    ["READONLY You can't write against a read only replica.", 'transient'],
    ['CLUSTERDOWN Hash slot not served', 'transient'],
    ['MOVED 3999 127.0.0.1:6381', 'transient'],
    ['ASK 3999 127.0.0.1:6381', 'transient'],
    ['TRYAGAIN Multiple keys request during rehashing of slot', 'transient'],
    ['MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to no', 'transient'],
    ['BUSY Redis is busy running a script.', 'transient'],
    ["OOM command not allowed when used memory > 'maxmemory'.", 'permanent'],
    ['MISCONF Redis is configured to save RDB snapshots, but it is currently not able to persist on disk.', 'permanent'],
    ['WRONGTYPE Operation against a key holding the wrong kind of value', 'permanent'],
    ["CROSSSLOT Keys in request don't hash to the same slot", 'permanent'],
    ["ERR unknown command 'FOO'", 'permanent'],
  ] as const)('classifies the reply %j as %s', (message, kind) => {
    expect(classifyRedisError(new ReplyError(message))).toBe(kind);
  });

  it.each([
    ['ECONNREFUSED', 'transient'],
    ['ECONNRESET', 'transient'],
    ['EPIPE', 'transient'],
    ['EHOSTUNREACH', 'transient'],
    ['EAI_AGAIN', 'transient'],
    ['ETIMEDOUT', 'timeout'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'permanent'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'permanent'],
  ] as const)('classifies the socket error %s as %s', (code, kind) => {
    expect(classifyRedisError(errno(code))).toBe(kind);
  });

  it('classifies ioredis client-side failures', () => {
    expect(classifyRedisError(new Error('Command timed out'))).toBe('timeout');
    expect(classifyRedisError(new Error("Socket timeout. Expecting data, but didn't receive any in 3000ms."))).toBe('timeout');
    expect(classifyRedisError(new Error('Connection is closed.'))).toBe('transient');
    expect(classifyRedisError(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toBe('transient');
    const maxRetries = Object.assign(new Error('Reached the max retries per request limit (which is 0).'), {
      name: 'MaxRetriesPerRequestError',
    });
    expect(classifyRedisError(maxRetries)).toBe('transient');
    const clusterFailed = Object.assign(new Error('Failed to refresh slots cache.'), { name: 'ClusterAllFailedError' });
    expect(classifyRedisError(clusterFailed)).toBe('transient');
    const aborted = Object.assign(new Error('Command aborted due to connection close'), { name: 'AbortError' });
    expect(classifyRedisError(aborted)).toBe('transient');
  });

  it('classifies an AbortSignal abort as timeout, a BackendError by its kind, anything else as unknown', () => {
    const signal = AbortSignal.abort();
    expect(classifyRedisError(signal.reason)).toBe('timeout');
    expect(classifyRedisError(new BackendError('x', 'authentication'))).toBe('authentication');
    expect(classifyRedisError(new Error('something odd'))).toBe('unknown');
    expect(classifyRedisError('a string')).toBe('unknown');
    expect(classifyRedisError(undefined)).toBe('unknown');
  });

  it('looks through a cluster error to the last node error', () => {
    const err = Object.assign(new Error('Too many something'), { lastNodeError: new ReplyError('NOAUTH Authentication required.') });
    expect(classifyRedisError(err)).toBe('authentication');
  });
});

describe('classifyFsError', () => {
  it.each([
    ['ENOSPC', 'file', 'transient'],
    ['EDQUOT', 'file', 'transient'],
    ['EMFILE', 'file', 'transient'],
    ['EACCES', 'file', 'transient'],
    ['EACCES', 'directory', 'permanent'],
    ['EPERM', 'directory', 'permanent'],
    ['EROFS', 'file', 'permanent'],
    ['ELOOP', 'file', 'permanent'],
    ['EISDIR', 'file', 'permanent'],
    ['ENAMETOOLONG', 'file', 'permanent'],
    ['ETIMEDOUT', 'file', 'timeout'],
    ['EEXIST', 'directory', 'permanent'],
    ['EEXIST', 'file', 'transient'],
    ['EWHATEVER', 'file', 'unknown'],
  ] as const)('classifies %s on a %s as %s', (code, scope, kind) => {
    expect(classifyFsError(errno(code), scope)).toBe(kind);
  });

  it('classifies real errors from the file system', () => {
    const target = path.join(dir, 'target');
    writeFileSync(target, 'x');
    const link = path.join(dir, 'link');
    symlinkSync(target, link);
    const loop = thrown(() => openSync(link, constants.O_RDONLY | constants.O_NOFOLLOW));
    expect((loop as NodeJS.ErrnoException).code).toBe('ELOOP');
    expect(classifyFsError(loop)).toBe('permanent');
    const notDir = thrown(() => openSync(path.join(target, 'child'), 'r'));
    expect(classifyFsError(notDir)).toBe('permanent');
    const missing = thrown(() => openSync(path.join(dir, 'missing'), 'r'));
    expect(classifyFsError(missing)).toBe('transient');
  });

  it('classifies errors without a code as unknown', () => {
    expect(classifyFsError(new Error('no code'))).toBe('unknown');
    expect(classifyFsError(null)).toBe('unknown');
  });
});
