import { describe, expect, test } from 'vitest';
import { BackendError, DecryptionError, IntegrityError } from '../../src/errors';
import { classifyError } from '../../src/reliability/classify-error';

function withProps(message: string, props: Record<string, unknown>): Error {
  return Object.assign(new Error(message), props);
}

/** Shaped like redis-errors' ReplyError without importing ioredis internals. */
function replyError(message: string): Error {
  const error = new Error(message);
  Object.defineProperty(error, 'name', { value: 'ReplyError' });
  return error;
}

describe('classifyError', () => {
  test('a BackendError keeps its kind', () => {
    expect(classifyError(new BackendError('x', 'authentication'))).toBe('authentication');
  });

  test('integrity errors from the codec and native core are integrity, not backend failures', () => {
    expect(classifyError(new IntegrityError('bad checksum'))).toBe('integrity');
    expect(classifyError(new DecryptionError('bad tag'))).toBe('integrity');
    for (const code of ['ERR_CHECKSUM_MISMATCH', 'ERR_DESERIALIZATION_FAILED', 'ERR_DECODE_BOUNDS', 'ERR_AUTHENTICATION_FAILED', 'ERR_INTEGRITY']) {
      expect(classifyError(withProps('native', { code }))).toBe('integrity');
    }
  });

  test("Node's own ERR_ codes are not mistaken for integrity failures", () => {
    expect(classifyError(withProps('bad arg', { code: 'ERR_INVALID_ARG_TYPE' }))).not.toBe('integrity');
  });

  test('ioredis replies and connection errors go through the Redis classifier', () => {
    expect(classifyError(replyError('WRONGPASS invalid username-password pair'))).toBe('authentication');
    expect(classifyError(replyError('NOAUTH Authentication required.'))).toBe('authentication');
    expect(classifyError(replyError('LOADING Redis is loading the dataset in memory'))).toBe('transient');
    expect(classifyError(replyError('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe('permanent');
    expect(classifyError(withProps('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED', syscall: 'connect', errno: -111 }))).toBe('transient');
    expect(classifyError(new Error('Connection is closed.'))).toBe('transient');
  });

  test('fs errors go through the file classifier', () => {
    const fsError = (code: string) => withProps(`${code}: x`, { code, syscall: 'open', errno: -1, path: '/tmp/x' });
    expect(classifyError(fsError('EROFS'))).toBe('permanent');
    expect(classifyError(fsError('EMFILE'))).toBe('transient');
  });

  test('an unknown shape is unknown', () => {
    expect(classifyError('weird')).toBe('unknown');
    expect(classifyError(new TypeError('oops'))).toBe('unknown');
  });
});
