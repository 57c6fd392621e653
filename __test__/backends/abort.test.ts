/**
 * What backends do about time: honour their caller's signal, and report raw failures as
 * classified BackendErrors. They hold no deadlines (the reliability layer does).
 */
import { describe, expect, it } from 'vitest';
import { BackendError } from '../../src/errors';
import { backendFailure, deadlineOptionMessage, unlessAborted } from '../../src/backends/abort';
import { FileBackend } from '../../src/backends/file/backend';
import { RedisBackend } from '../../src/backends/redis/backend';
import { thrown } from '../support/thrown';

const never = () => new Promise<never>(() => undefined);
const ctx = { backend: 'test', operation: 'get', key: 'k' };

describe('unlessAborted', () => {
  it('without a signal is the operation itself', () => {
    const pending = Promise.resolve('v');
    expect(unlessAborted(pending, undefined, ctx)).toBe(pending);
  });

  it('rejects every operation sharing a signal when it aborts, with the reason, as a timeout BackendError', async () => {
    const controller = new AbortController();
    const ops = [1, 2, 3].map(() => unlessAborted(never(), controller.signal, ctx).catch((e: BackendError) => e));
    controller.abort(new Error('deadline of the caller'));
    for (const err of await Promise.all(ops)) {
      expect(err).toBeInstanceOf(BackendError);
      expect(err.kind).toBe('timeout');
      expect(err.message).toBe('test get aborted: deadline of the caller');
      expect(err.key).toBe('k');
    }
  });

  it('rejects at once for a signal that has already aborted, and answers normally otherwise', async () => {
    await expect(unlessAborted(Promise.resolve('v'), AbortSignal.abort(), ctx)).rejects.toBeInstanceOf(BackendError);
    expect(await unlessAborted(Promise.resolve('v'), new AbortController().signal, ctx)).toBe('v');
  });

  it('ignores a late failure after the abort (no unhandled rejection)', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const controller = new AbortController();
      const late = new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 20));
      const raced = unlessAborted(late, controller.signal, ctx).catch((e: BackendError) => e.kind);
      controller.abort();
      expect(await raced).toBe('timeout');
      const already = unlessAborted(new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 20)), AbortSignal.abort(), ctx);
      await already.catch(() => undefined);
      await new Promise((r) => setTimeout(r, 60));
    } finally {
      process.off('unhandledRejection', listener);
    }
    expect(unhandled).toEqual([]);
  });
});

describe('backendFailure', () => {
  it('classifies and wraps raw failures, and passes BackendErrors through', () => {
    const wrapped = backendFailure(new Error('socket closed'), ctx, () => 'transient');
    expect(wrapped.kind).toBe('transient');
    expect(wrapped.message).toBe('test get failed: socket closed');
    expect(wrapped.cause).toBeInstanceOf(Error);
    const own = new BackendError('mine', 'permanent');
    expect(backendFailure(own, ctx, () => 'transient')).toBe(own);
  });
});

describe('per-operation timeouts are not backend options', () => {
  it('RedisBackend `commandTimeoutMs` and FileBackend `operationTimeoutMs` are refused with the fix', () => {
    const redis = thrown(() => new RedisBackend({ url: 'redis://127.0.0.1:6379', commandTimeoutMs: 500 } as never));
    expect((redis as Error).message).toBe(deadlineOptionMessage('RedisBackend', 'commandTimeoutMs'));
    expect((redis as Error).message).toMatch(/Fix: set the cache option `reliability: \{ timeouts/);
    const file = thrown(() => new FileBackend({ directory: '/tmp/never-created-by-this-test', operationTimeoutMs: 500 } as never));
    expect((file as Error).message).toBe(deadlineOptionMessage('FileBackend', 'operationTimeoutMs'));
  });
});
