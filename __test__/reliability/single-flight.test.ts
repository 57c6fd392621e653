import { describe, expect, test } from 'vitest';
import { SingleFlight } from '../../src/reliability/single-flight';

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  test('1 000 concurrent calls for one key run the function once and all get its value', async () => {
    const flight = new SingleFlight();
    const gate = deferred<number>();
    let runs = 0;
    const calls = Array.from({ length: 1_000 }, () =>
      flight.run('k', () => {
        runs++;
        return gate.promise;
      }),
    );
    gate.resolve(42);
    expect(await Promise.all(calls)).toEqual(Array(1_000).fill(42));
    expect(runs).toBe(1);
    expect(flight.stats()).toEqual({ inFlight: 0, runs: 1, joined: 999 });
  });

  test('different keys run independently', async () => {
    const flight = new SingleFlight();
    let runs = 0;
    const results = await Promise.all(['a', 'b', 'a', 'b'].map((key) => flight.run(key, async () => `${key}${++runs}`)));
    expect(runs).toBe(2);
    expect(new Set(results)).toEqual(new Set(['a1', 'b2']));
  });

  test('a rejection reaches every sharer, then the key is free again', async () => {
    const flight = new SingleFlight();
    const gate = deferred<number>();
    const boom = new Error('boom');
    const calls = Array.from({ length: 10 }, () => flight.run('k', () => gate.promise));
    gate.reject(boom);
    const settled = await Promise.allSettled(calls);
    expect(settled.every((s) => s.status === 'rejected' && s.reason === boom)).toBe(true);
    expect(flight.has('k')).toBe(false);
    expect(flight.size).toBe(0);
    expect(await flight.run('k', async () => 7)).toBe(7);
  });

  test('a synchronous throw rejects the call and leaves no entry', async () => {
    const flight = new SingleFlight();
    await expect(
      flight.run('k', () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(flight.size).toBe(0);
  });

  test('the entry is gone by the time callers see the value, so the next call runs again', async () => {
    const flight = new SingleFlight();
    let runs = 0;
    await flight.run('k', async () => ++runs);
    expect(flight.has('k')).toBe(false);
    expect(await flight.run('k', async () => ++runs)).toBe(2);
  });

  test('no entries leak after many settled runs', async () => {
    const flight = new SingleFlight();
    await Promise.allSettled(
      Array.from({ length: 5_000 }, (_, i) => flight.run(`k${i}`, async () => (i % 2 === 0 ? i : Promise.reject(new Error(String(i)))))),
    );
    expect(flight.size).toBe(0);
  });
});
