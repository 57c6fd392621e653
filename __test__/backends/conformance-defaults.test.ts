/**
 * `runBackendConformance` called as the README documents it: without options, the optional
 * capabilities are detected from the backend's methods.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileBackend, MemoryBackend, type CacheBackend } from '../../src/index';
import { runBackendConformance, type ConformanceRunner } from '../../src/testing';
import { scratchDirectories } from '../support/scratch-dirs';

const scratch = scratchDirectories('cachekit-conformance-');

// Exactly the README's form: name, factory, runner.
runBackendConformance('file (capabilities detected)', () => new FileBackend({ directory: path.join(scratch(), 'cache') }), { describe, it, beforeAll, afterAll });

interface Outcome {
  title: string;
  error?: unknown;
}

/** Registers the suite with a runner that only collects, then runs it in order; one outcome per test. */
async function runSuite(factory: () => CacheBackend): Promise<Outcome[]> {
  const tests: Array<{ title: string; body: () => Promise<void> }> = [];
  const before: Array<() => Promise<void>> = [];
  const after: Array<() => Promise<void>> = [];
  const runner: ConformanceRunner = {
    describe: (_name, body) => body(),
    it: (title, body) => tests.push({ title, body }),
    beforeAll: (hook) => before.push(hook),
    afterAll: (hook) => after.push(hook),
  };
  runBackendConformance('collected', factory, runner);
  for (const hook of before) await hook();
  const outcomes: Outcome[] = [];
  for (const { title, body } of tests) {
    try {
      await body();
      outcomes.push({ title });
    } catch (error) {
      outcomes.push({ title, error });
    }
  }
  for (const hook of after) await hook();
  return outcomes;
}

/**
 * A factory of memory backends seen through a proxy that hides the `hidden` methods; `called`
 * collects the methods the suite called on any of them.
 */
function observedMemoryBackends(hidden: string[] = []): { factory: () => CacheBackend; called: Set<string> } {
  const called = new Set<string>();
  const factory = () =>
    new Proxy(new MemoryBackend(), {
      get(target, property, receiver) {
        if (typeof property === 'string' && hidden.includes(property)) return undefined;
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function' || typeof property !== 'string') return value;
        return (...args: unknown[]) => {
          called.add(property);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  return { factory, called };
}

describe('runBackendConformance without declared capabilities', () => {
  it('detects every capability of a backend that has them all and runs their tests', async () => {
    const seen = observedMemoryBackends();
    const outcomes = await runSuite(seen.factory);
    expect(outcomes.filter((o) => o.error !== undefined)).toEqual([]);
    for (const method of ['getTtl', 'refreshTtl', 'acquireLock', 'renewLock', 'releaseLock', 'getMany', 'setMany', 'clearPrefix']) {
      expect(seen.called.has(method), method).toBe(true);
    }
  }, 60_000);

  it('fails a backend that implements only half of a capability, naming it', async () => {
    const failed = (await runSuite(observedMemoryBackends(['refreshTtl']).factory)).filter((o) => o.error !== undefined);
    expect(failed).toHaveLength(1);
    expect(String(failed[0]!.error)).toMatch(/ttl/);
    expect(failed[0]!.error).toBeInstanceOf(Error);
  }, 60_000);
});
