import { describe, expect, it } from 'vitest';
import { BackendError } from '../../src/errors';
import { OperationDeadlines } from '../../src/backends/deadline';

const never = () => new Promise<never>(() => undefined);
const kindOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: BackendError) => e.kind);

describe('OperationDeadlines', () => {
  it('times out every operation of the shared queue, in start order, while finished ones resolve', async () => {
    const deadlines = new OperationDeadlines('test', 50, () => 'unknown');
    const stuck = [0, 1, 2].map(() => kindOf(deadlines.run('get', 'k', undefined, 0, never)));
    const quick = deadlines.run('get', 'k', undefined, 0, async () => 'value');
    expect(await quick).toBe('value');
    expect(await Promise.all(stuck)).toEqual(['timeout', 'timeout', 'timeout']);
  });

  it('names the operation, its budget and the key in the timeout error', async () => {
    const deadlines = new OperationDeadlines('redis', 20, () => 'unknown');
    const err = (await deadlines.run('set', 'some:key', undefined, 0, never).catch((e) => e)) as BackendError;
    expect(err).toBeInstanceOf(BackendError);
    expect(err.message).toBe('redis set timed out after 20 ms');
    expect(err.operation).toBe('set');
    expect(err.key).toBe('some:key');
  });

  it('gives a larger budget its own timer so it neither expires early nor holds up the queue', async () => {
    const deadlines = new OperationDeadlines('test', 20, () => 'unknown');
    let slowDone = false;
    const slow = deadlines.run('set', 'big', undefined, 10_000, () => new Promise((r) => setTimeout(() => r('big'), 200)));
    const blocked = kindOf(deadlines.run('get', 'k', undefined, 0, never));
    void slow.then(() => (slowDone = true));
    expect(await blocked).toBe('timeout');
    expect(slowDone).toBe(false);
    expect(await slow).toBe('big');
  });

  it('rejects every operation sharing a signal when it aborts, with the reason', async () => {
    const deadlines = new OperationDeadlines('test', 0, () => 'unknown');
    const controller = new AbortController();
    const ops = [1, 2, 3].map(() => deadlines.run('get', 'k', controller.signal, 0, never).catch((e: BackendError) => e));
    controller.abort(new Error('deadline of the caller'));
    for (const err of await Promise.all(ops)) {
      expect(err).toBeInstanceOf(BackendError);
      expect(err.kind).toBe('timeout');
      expect(err.message).toContain('deadline of the caller');
    }
  });

  it('classifies and wraps failures, and passes BackendErrors through', async () => {
    const deadlines = new OperationDeadlines('test', 100, () => 'transient');
    const wrapped = (await deadlines.run('get', 'k', undefined, 0, async () => {
      throw new Error('socket closed');
    }).catch((e) => e)) as BackendError;
    expect(wrapped.kind).toBe('transient');
    expect(wrapped.message).toBe('test get failed: socket closed');
    expect(wrapped.cause).toBeInstanceOf(Error);
    const own = new BackendError('mine', 'permanent');
    expect(await deadlines.run('get', 'k', undefined, 0, () => Promise.reject(own)).catch((e) => e)).toBe(own);
    const sync = await deadlines.run('get', 'k', undefined, 0, () => {
      throw new Error('thrown synchronously');
    }).catch((e: BackendError) => e.message);
    expect(sync).toBe('test get failed: thrown synchronously');
  });

  it('ignores a late failure after the timeout (no unhandled rejection)', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const deadlines = new OperationDeadlines('test', 10, () => 'unknown');
      const late = deadlines.run('get', 'k', undefined, 0, () => new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 50)));
      expect(await kindOf(late)).toBe('timeout');
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      process.off('unhandledRejection', listener);
    }
    expect(unhandled).toEqual([]);
  });
});
