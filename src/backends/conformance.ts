/**
 * The backend conformance suite: the behaviour every `CacheBackend` must show, runnable by any
 * test runner. The runner's `describe`/`it` are passed in (so the package never imports a
 * test framework at run time) and assertions use `node:assert/strict`, which every runner
 * reports as a failure.
 *
 * ```ts
 * import { describe, it, beforeAll, afterAll } from 'vitest';
 * import { runBackendConformance } from 'cachekit/testing';
 * runBackendConformance('my-backend', () => new MyBackend(), { describe, it, beforeAll, afterAll });
 * ```
 *
 * Without `capabilities` the optional ones are detected from the backend's methods; declaring
 * them (`{ capabilities: { ttl: true, locks: false, batch: false, clearPrefix: true } }`) also
 * checks that the backend has exactly those.
 *
 * Longer than most files here (~390 lines) on purpose: it is one flat list of cases, each a few
 * lines, that a backend author reads top to bottom; its options live in `conformance-options.ts`.
 */
import { nodeCrypto } from '../lazy-builtins';
import { createRequire } from 'node:module';
import { BackendError } from '../errors';
import type { CacheBackend } from './types';
import {
  CAPABILITIES,
  CAPABILITY_METHODS,
  detectCapabilities,
  presentMethods,
  type ConformanceCapabilities,
  type ConformanceFactory,
  type ConformanceOptions,
  type ConformanceRunner,
} from './conformance-options';

export {
  detectCapabilities,
  type ConformanceCapabilities,
  type ConformanceFactory,
  type ConformanceOptions,
  type ConformanceRunner,
} from './conformance-options';

/**
 * node:assert, loaded when a suite is registered: every entry point shares one bundle, and an
 * application that never runs the suite should not pay the ~2 ms node:assert costs to load.
 */
let assert: typeof import('node:assert/strict');

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true; fails after `timeoutMs` with `what`. */
async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) assert.fail(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function rejectsWith(
  promise: Promise<unknown>,
  kind: BackendError['kind'],
  what: string,
): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof BackendError, `${what}: expected a BackendError, got ${String(err)}`);
    assert.equal(err.kind, kind, `${what}: kind`);
    return true;
  });
}

/**
 * Registers the conformance tests for one backend with the given runner. Tests of a capability
 * that is detected rather than declared are registered with "(when implemented)" in their
 * title, and do nothing when the backend lacks it (the runner cannot skip at run time).
 */
export function runBackendConformance(
  name: string,
  factory: ConformanceFactory,
  runner: ConformanceRunner,
  options: ConformanceOptions = {},
): void {
  assert ??= createRequire(import.meta.url)('node:assert/strict') as typeof import('node:assert/strict');
  const { describe, it, beforeAll, afterAll } = runner;
  const prefix = options.keyPrefix ?? `ck-conformance:${nodeCrypto().randomBytes(6).toString('hex')}:`;
  const declared = options.capabilities;
  /** Declared or detected; set once the factory has made the backend. */
  let caps: ConformanceCapabilities | undefined;
  const largeBytes = options.largeValueBytes ?? 1024 * 1024;
  const expiryWaitMs = options.expiryWaitMs ?? 10_000;
  const timeout = options.testTimeoutMs ?? 30_000;
  let backend: CacheBackend;
  let counter = 0;
  const key = (label: string) => `${prefix}${label}:${++counter}`;
  const test = (title: string, body: () => Promise<void>) => it(title, body, timeout);
  /** A test of one optional capability: registered if declared, or run if detected. */
  const capabilityTest = (capability: keyof ConformanceCapabilities, title: string, body: () => Promise<void>) => {
    if (declared === undefined) {
      test(`${title} (when implemented)`, async () => {
        assert.ok(caps !== undefined, 'the factory did not produce a backend');
        if (caps[capability]) await body();
      });
    } else if (declared[capability]) {
      test(title, body);
    }
  };

  describe(`${name} backend conformance`, () => {
    beforeAll(async () => {
      backend = await factory();
      caps = declared ?? detectCapabilities(backend);
    }, timeout);
    afterAll(async () => {
      if (caps?.clearPrefix && backend.clearPrefix) await backend.clearPrefix(prefix);
      await backend.close?.();
    }, timeout);

    test(
      declared === undefined
        ? 'declares a backend type and implements each optional capability completely or not at all'
        : 'declares a backend type and exactly the claimed optional capabilities',
      async () => {
        assert.equal(typeof backend.backendType, 'string');
        assert.ok(backend.backendType.length > 0);
        for (const capability of CAPABILITIES) {
          const present = presentMethods(backend, capability);
          const complete = declared === undefined ? present.length > 0 : declared[capability];
          assert.deepEqual(present, complete ? CAPABILITY_METHODS[capability] : [], `${capability} capability: methods present`);
        }
      },
    );

    test('get returns null for a key never written', async () => {
      assert.equal(await backend.get(key('missing')), null);
    });

    test('set then get returns the same bytes', async () => {
      const k = key('roundtrip');
      assert.equal(await backend.set(k, Buffer.from('hello, cache')), undefined, 'set resolves to undefined');
      assert.deepEqual(await backend.get(k), Buffer.from('hello, cache'));
    });

    test('stores every byte value, invalid UTF-8 and an empty value unchanged', async () => {
      const all = Buffer.alloc(256);
      for (let i = 0; i < 256; i++) all[i] = i;
      const invalidUtf8 = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x00, 0xa0, 0xa1, 0xe2, 0x28, 0xa1]);
      const cases: Array<[string, Buffer]> = [
        ['all-bytes', all],
        ['invalid-utf8', invalidUtf8],
        ['empty', Buffer.alloc(0)],
        ['nul', Buffer.from([0, 0, 0])],
      ];
      for (const [label, value] of cases) {
        const k = key(label);
        await backend.set(k, value);
        const back = await backend.get(k);
        assert.ok(back !== null, `${label}: stored value came back as a miss`);
        assert.ok(Buffer.isBuffer(back), `${label}: get must return a Buffer`);
        assert.deepEqual(back, value, label);
      }
    });

    test('set overwrites the previous value', async () => {
      const k = key('overwrite');
      await backend.set(k, Buffer.from('first, longer value'));
      await backend.set(k, Buffer.from('second'));
      assert.deepEqual(await backend.get(k), Buffer.from('second'));
    });

    test('mutating Buffers after a call completes never changes the stored bytes', async () => {
      const k = key('copy');
      const input = Buffer.from('original');
      await backend.set(k, input);
      input.fill(0x58);
      const first = await backend.get(k);
      assert.ok(first);
      first.fill(0x59);
      assert.deepEqual(await backend.get(k), Buffer.from('original'));
    });

    test('delete returns true for an existing key, then false, and the key reads as a miss', async () => {
      const k = key('delete');
      await backend.set(k, Buffer.from('x'));
      assert.equal(await backend.delete(k), true);
      assert.equal(await backend.delete(k), false);
      assert.equal(await backend.get(k), null);
    });

    test('exists is true only while a live entry is stored', async () => {
      const k = key('exists');
      assert.equal(await backend.exists(k), false);
      await backend.set(k, Buffer.from('x'));
      assert.equal(await backend.exists(k), true);
      await backend.delete(k);
      assert.equal(await backend.exists(k), false);
    });

    test('an entry written with a TTL of 1 second expires and then reads as a miss', async () => {
      const k = key('ttl');
      await backend.set(k, Buffer.from('short-lived'), 1);
      await eventually(async () => (await backend.get(k)) === null, expiryWaitMs, 'expiry of a 1 s entry');
      assert.equal(await backend.exists(k), false);
    });

    test('keys differing only in unicode, spaces, colons or glob characters stay distinct', async () => {
      const labels = ['a b', 'a:b', 'a*b', 'a?b', 'a[b]', 'ключ-🔑', 'a\\b', 'a%3Ab'];
      const keys = labels.map((l) => `${prefix}distinct:${l}`);
      for (const [i, k] of keys.entries()) await backend.set(k, Buffer.from(String(i)));
      for (const [i, k] of keys.entries()) assert.deepEqual(await backend.get(k), Buffer.from(String(i)), k);
    });

    test(`a ${largeBytes}-byte value round-trips`, async () => {
      const k = key('large');
      const value = nodeCrypto().randomBytes(largeBytes);
      await backend.set(k, value);
      const back = await backend.get(k);
      assert.ok(back !== null && back.equals(value), 'large value changed');
    });

    test('100 concurrent writes then 100 concurrent reads of distinct keys all land', async () => {
      const keys = Array.from({ length: 100 }, (_, i) => key(`concurrent-${i}`));
      await Promise.all(keys.map((k, i) => backend.set(k, Buffer.from(`value-${i}`))));
      const values = await Promise.all(keys.map((k) => backend.get(k)));
      values.forEach((v, i) => assert.deepEqual(v, Buffer.from(`value-${i}`)));
    });

    test('a negative or non-finite TTL is rejected as a permanent BackendError', async () => {
      await rejectsWith(backend.set(key('bad-ttl'), Buffer.from('x'), -1), 'permanent', 'ttl -1');
      await rejectsWith(backend.set(key('bad-ttl'), Buffer.from('x'), Number.NaN), 'permanent', 'ttl NaN');
      await rejectsWith(
        backend.set(key('bad-ttl'), Buffer.from('x'), Number.POSITIVE_INFINITY),
        'permanent',
        'ttl Infinity',
      );
    });

    if (options.honoursAbortSignal ?? true) {
      test('a call given an already-aborted signal rejects with a timeout BackendError', async () => {
        const signal = AbortSignal.abort(new Error('caller gave up'));
        await rejectsWith(backend.get(key('abort'), { signal }), 'timeout', 'get');
        await rejectsWith(backend.set(key('abort'), Buffer.from('x'), undefined, { signal }), 'timeout', 'set');
        await rejectsWith(backend.delete(key('abort'), { signal }), 'timeout', 'delete');
        await rejectsWith(backend.exists(key('abort'), { signal }), 'timeout', 'exists');
      });
    }

    test('healthCheck reports ok, a latency and the backend type', async () => {
      const health = await backend.healthCheck();
      assert.equal(health.ok, true, JSON.stringify(health.details));
      assert.equal(health.backendType, backend.backendType);
      assert.ok(typeof health.latencyMs === 'number' && health.latencyMs >= 0);
      assert.equal(typeof health.details, 'object');
    });

    capabilityTest('ttl', 'getTtl returns the remaining seconds, and null for missing keys and keys without expiry', async () => {
      const k = key('getttl');
      await backend.set(k, Buffer.from('x'), 100);
      const ttl = await backend.getTtl!(k);
      assert.ok(ttl !== null && ttl > 90 && ttl <= 100, `ttl ${ttl}`);
      assert.equal(await backend.getTtl!(key('getttl-missing')), null);
      const forever = key('getttl-forever');
      await backend.set(forever, Buffer.from('x'));
      assert.equal(await backend.getTtl!(forever), null);
      const zero = key('getttl-zero');
      await backend.set(zero, Buffer.from('x'), 0);
      assert.equal(await backend.getTtl!(zero), null);
    });

    capabilityTest('ttl', 'refreshTtl resets the TTL of an existing key and returns false for a missing one', async () => {
      const k = key('refresh');
      await backend.set(k, Buffer.from('x'), 10);
      assert.equal(await backend.refreshTtl!(k, 1000), true);
      const ttl = await backend.getTtl!(k);
      assert.ok(ttl !== null && ttl > 900, `ttl after refresh ${ttl}`);
      assert.deepEqual(await backend.get(k), Buffer.from('x'));
      assert.equal(await backend.refreshTtl!(key('refresh-missing'), 10), false);
    });

    capabilityTest('locks', 'acquireLock grants the lock to one owner at a time', async () => {
      const k = key('lock');
      assert.equal(await backend.acquireLock!(k, 'owner-a', 10_000), true);
      assert.equal(await backend.acquireLock!(k, 'owner-b', 10_000), false);
      assert.equal(await backend.acquireLock!(k, 'owner-a', 10_000), false, 'not re-entrant');
      assert.equal(await backend.releaseLock!(k, 'owner-a'), true);
    });

    capabilityTest('locks', 'releaseLock releases only for the owning token', async () => {
      const k = key('release');
      await backend.acquireLock!(k, 'owner-a', 10_000);
      assert.equal(await backend.releaseLock!(k, 'owner-b'), false);
      assert.equal(await backend.acquireLock!(k, 'owner-b', 10_000), false, 'still held by owner-a');
      assert.equal(await backend.releaseLock!(k, 'owner-a'), true);
      assert.equal(await backend.releaseLock!(k, 'owner-a'), false, 'already released');
      assert.equal(await backend.acquireLock!(k, 'owner-b', 10_000), true);
      await backend.releaseLock!(k, 'owner-b');
    });

    capabilityTest('locks', 'renewLock extends a lock only for its owner', async () => {
      const k = key('renew');
      await backend.acquireLock!(k, 'owner-a', 10_000);
      assert.equal(await backend.renewLock!(k, 'owner-b', 10_000), false);
      assert.equal(await backend.renewLock!(k, 'owner-a', 10_000), true);
      await backend.releaseLock!(k, 'owner-a');
      assert.equal(await backend.renewLock!(k, 'owner-a', 10_000), false, 'renewing a released lock');
    });

    capabilityTest('locks', 'a lock lease expires on its own and the lock can then be taken', async () => {
      const k = key('lease');
      assert.equal(await backend.acquireLock!(k, 'owner-a', 200), true);
      await eventually(() => backend.acquireLock!(k, 'owner-b', 10_000), expiryWaitMs, 'lease expiry');
      assert.equal(await backend.releaseLock!(k, 'owner-a'), false, 'expired owner cannot release');
      assert.equal(await backend.releaseLock!(k, 'owner-b'), true);
    });

    capabilityTest('locks', 'holding a lock does not disturb the value stored under the same key', async () => {
      const k = key('lock-value');
      await backend.set(k, Buffer.from('value'));
      assert.equal(await backend.acquireLock!(k, 'owner', 10_000), true);
      assert.deepEqual(await backend.get(k), Buffer.from('value'));
      await backend.releaseLock!(k, 'owner');
      assert.deepEqual(await backend.get(k), Buffer.from('value'));
    });

    capabilityTest('locks', 'setAndReleaseLock, where implemented, stores the value and releases only the owning token\'s lock', async () => {
      if (typeof backend.setAndReleaseLock !== 'function') return;
      const k = key('set-release');
      assert.equal(await backend.acquireLock!(k, 'owner', 10_000), true);
      await backend.setAndReleaseLock(k, Buffer.from('first'), 60, 'not-the-owner');
      assert.deepEqual(await backend.get(k), Buffer.from('first'));
      assert.equal(await backend.acquireLock!(k, 'other', 10_000), false, 'still held by its owner');
      await backend.setAndReleaseLock(k, Buffer.from('second'), 60, 'owner');
      assert.deepEqual(await backend.get(k), Buffer.from('second'));
      assert.equal(await backend.acquireLock!(k, 'other', 10_000), true, 'released with the write');
      await backend.releaseLock!(k, 'other');
    });

    capabilityTest('locks', 'together, where implemented, runs its function once and returns what it returned; the commands it started are answered', async () => {
      if (typeof backend.together !== 'function') return;
      const k = key('together');
      await backend.set(k, Buffer.from('value'));
      let runs = 0;
      const [read, lock] = backend.together(() => {
        runs++;
        return [backend.get(k), backend.acquireLock!(k, 'owner', 10_000)] as const;
      });
      assert.equal(runs, 1);
      assert.deepEqual(await read, Buffer.from('value'));
      assert.equal(await lock, true);
      await backend.releaseLock!(k, 'owner');
    });

    capabilityTest('batch', 'getMany returns values in key order with null for misses', async () => {
      const a = key('many-a');
      const b = key('many-b');
      await backend.set(a, Buffer.from('A'));
      await backend.set(b, Buffer.from('B'));
      const got = await backend.getMany!([b, key('many-missing'), a]);
      assert.deepEqual(got, [Buffer.from('B'), null, Buffer.from('A')]);
      assert.deepEqual(await backend.getMany!([]), []);
    });

    capabilityTest('batch', 'setMany writes every entry, each with its own TTL', async () => {
      const a = key('setmany-a');
      const b = key('setmany-b');
      await backend.setMany!([
        { key: a, value: Buffer.from('A'), ttlSeconds: 1 },
        { key: b, value: Buffer.from('B') },
      ]);
      assert.deepEqual(await backend.getMany!([a, b]), [Buffer.from('A'), Buffer.from('B')]);
      await eventually(async () => (await backend.get(a)) === null, expiryWaitMs, 'expiry of the 1 s entry');
      assert.deepEqual(await backend.get(b), Buffer.from('B'));
    });

    capabilityTest('clearPrefix', 'clearPrefix removes exactly the keys under the prefix and counts them', async () => {
      const base = key('clear');
      const inside = Array.from({ length: 25 }, (_, i) => `${base}:in:${i}`);
      const outside = [`${base}-sibling`, `${base.slice(0, -1)}`, `${base}x`];
      for (const k of [...inside, ...outside]) await backend.set(k, Buffer.from('v'));
      assert.equal(await backend.clearPrefix!(`${base}:in:`), inside.length);
      for (const k of inside) assert.equal(await backend.get(k), null, k);
      for (const k of outside) assert.deepEqual(await backend.get(k), Buffer.from('v'), k);
    });

    capabilityTest('clearPrefix', 'clearPrefix refuses an empty prefix (it would wipe the whole keyspace)', async () => {
      const k = key('survivor');
      await backend.set(k, Buffer.from('v'));
      await rejectsWith(backend.clearPrefix!(''), 'permanent', 'empty prefix');
      assert.deepEqual(await backend.get(k), Buffer.from('v'));
    });

    capabilityTest('clearPrefix', 'glob metacharacters in a prefix match only themselves', async () => {
      const base = key('glob');
      const literal = [`${base}:a*b?[c]\\d:1`, `${base}:a*b?[c]\\d:2`];
      const lookalikes = [`${base}:axxb?[c]\\d:1`, `${base}:a*bz[c]\\d:1`, `${base}:a*b?c\\d:1`, `${base}:a*b?[c]d:1`];
      for (const k of [...literal, ...lookalikes]) await backend.set(k, Buffer.from('v'));
      assert.equal(await backend.clearPrefix!(`${base}:a*b?[c]\\d:`), literal.length);
      for (const k of lookalikes) assert.deepEqual(await backend.get(k), Buffer.from('v'), k);
    });

    test('close is idempotent and a closed backend rejects further calls', async () => {
      const other = await factory();
      await other.set(key('close'), Buffer.from('x'));
      await other.close?.();
      await other.close?.();
      if (other.close) await assert.rejects(other.get(key('close')), BackendError);
    });
  });
}
