/**
 * Live interop with the official Python SDK: `cachekit` from PyPI (the version pinned in
 * `scripts/python-interop/requirements.txt`) in a virtual environment, against the shared real
 * redis-server. Python writes through `@cache(interop=…, namespace=…)` and Node reads; Node
 * writes and Python reads through decorated functions whose bodies raise (so every value it
 * returns came from the cache); both compute the same keys. Plain and encrypted (AES-256-GCM
 * under one master key, tenant = a shared deployment UUID).
 *
 * Node's side here is built from the library's interop pieces over ioredis
 * (`node-interop-store.ts`): the bytes `cache(fn, { interop })` must produce.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DecryptionError } from '../../src/errors';
import { interopCanonicalArgs, interopKey } from '../../src/keys/interop-key';
import { ensurePythonCachekit, pinnedCachekitVersion } from '../support/python-env';
import { DATE_CASE, KEY_ONLY_CALLS, VALUE_CASES, type InteropCall, type InteropCase } from './cases';
import { createNodeInteropStore, type SharedEncryption } from './node-interop-store';
import { pythonKeys, pythonRead, pythonWrite, type PythonWriteOutput } from './python-sdk';
import { normaliseTagged, toNodeInput, toNodeReadView } from './tagged';

/** A fixed 32-byte master key (CACHEKIT_MASTER_KEY on the Python side). */
const MASTER_KEY_HEX = '5f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0';
const OTHER_MASTER_KEY_HEX = 'a0'.repeat(32);
/** The shared tenant: a canonical lowercase UUID (Python's `deployment_uuid`). */
const TENANT = '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b';
const OTHER_TENANT = '9c8b7a65-4321-4fed-8cba-0123456789ab';

const ALL_CASES: readonly InteropCase[] = [...VALUE_CASES, DATE_CASE];

/** The AEAD overhead of an interop ciphertext: 12-byte nonce + 16-byte tag. */
const AEAD_OVERHEAD = 28;

interface Mode {
  readonly name: string;
  readonly encryption: SharedEncryption | undefined;
}

const MODES: readonly Mode[] = [
  { name: 'plain', encryption: undefined },
  { name: 'encrypted', encryption: { masterKeyHex: MASTER_KEY_HEX, tenant: TENANT } },
];

const redisUrl = inject('redisUrl');
let redis: Redis;
const namespaces: string[] = [];
let namespaceCounter = 0;

/** A namespace no other test (or earlier run) uses. */
function freshNamespace(label: string): string {
  const namespace = `ckit-interop.${label}.${process.pid}-${Date.now().toString(36)}-${namespaceCounter++}`;
  namespaces.push(namespace);
  return namespace;
}

const nodeArgs = (call: InteropCall): unknown[] => call.args.map(toNodeInput);

function expectEveryCaseWritten(output: PythonWriteOutput, stderr: string): Map<string, { key: string; storedHex: string }> {
  const byId = new Map<string, { key: string; storedHex: string }>();
  for (const written of output.written) {
    if (written.error !== undefined) throw new Error(`Python refused case ${written.id}: ${written.error}\n${stderr}`);
    byId.set(written.id, written);
  }
  expect([...byId.keys()]).toEqual(ALL_CASES.map((c) => c.id));
  return byId;
}

beforeAll(async () => {
  await ensurePythonCachekit();
  redis = new Redis(redisUrl, { lazyConnect: false });
}, 11 * 60_000);

afterAll(async () => {
  if (redis === undefined) return;
  for (const namespace of namespaces) {
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: `${namespace}:*`, count: 1000 })) keys.push(...(batch as string[]));
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

describe(`live interop with the Python SDK (cachekit ${pinnedCachekitVersion()} from PyPI)`, () => {
  it('runs the pinned SDK version', async () => {
    const env = await ensurePythonCachekit();
    const { output } = await pythonKeys('ckit-interop.version', []);
    expect(output.sdkVersion).toBe(env.version);
    expect(env.version).toBe(pinnedCachekitVersion());
  });

  describe.each(MODES)('$name', ({ encryption }) => {
    const pythonEncryption = encryption && { masterKeyHex: encryption.masterKeyHex, tenant: encryption.tenant };

    it('Python writes entries, Node reads the same values', async () => {
      const namespace = freshNamespace('py-to-node');
      const { output, stderr } = await pythonWrite(redisUrl, namespace, ALL_CASES, pythonEncryption);
      expectEveryCaseWritten(output, stderr);
      const store = createNodeInteropStore(redis, namespace, encryption);
      for (const c of ALL_CASES) {
        const read = await store.read(c.operation, nodeArgs(c));
        expect(read, c.id).toEqual({ present: true, value: toNodeReadView(c.value) });
      }
    });

    it('Node writes entries, Python reads the same values without running its functions', async () => {
      const namespace = freshNamespace('node-to-py');
      const store = createNodeInteropStore(redis, namespace, encryption);
      for (const c of ALL_CASES) await store.write(c.operation, nodeArgs(c), toNodeInput(c.value));
      const { output, stderr } = await pythonRead(redisUrl, namespace, ALL_CASES, pythonEncryption);
      expect(output.results.map((r) => r.id)).toEqual(ALL_CASES.map((c) => c.id));
      for (const [i, c] of ALL_CASES.entries()) {
        const result = output.results[i]!;
        expect(result.present, `${c.id}: Node's entry is where Python looks`).toBe(true);
        expect(result.hit, `${c.id}: ${result.miss ?? ''}\n${stderr}`).toBe(true);
        expect(normaliseTagged(result.value!), c.id).toEqual(normaliseTagged(c.value));
      }
    });

    it("Python's keys and Node's keys for the same calls are byte-identical", async () => {
      const namespace = freshNamespace('keys');
      const { output, stderr } = await pythonWrite(redisUrl, namespace, ALL_CASES, pythonEncryption);
      const written = expectEveryCaseWritten(output, stderr);
      const nodeKeys = ALL_CASES.map((c) => interopKey(namespace, c.operation, nodeArgs(c)));
      expect(ALL_CASES.map((c) => written.get(c.id)!.key)).toEqual(nodeKeys);
      // What the decorator really stored: exactly these keys, nothing else (no prefixes, locks, indexes).
      expect(output.keysInRedis).toEqual([...nodeKeys].sort());
    });

    it(encryption ? "Python's ciphertext is nonce ‖ AES-256-GCM of Node's value bytes under Node's AAD" : "Python's stored bytes are Node's value bytes", async () => {
      const namespace = freshNamespace('bytes');
      const { output, stderr } = await pythonWrite(redisUrl, namespace, ALL_CASES, pythonEncryption);
      const written = expectEveryCaseWritten(output, stderr);
      const plainCodec = createNodeInteropStore(redis, namespace).codec;
      const store = createNodeInteropStore(redis, namespace, encryption);
      for (const c of ALL_CASES) {
        const { key, storedHex } = written.get(c.id)!;
        const stored = Buffer.from(storedHex, 'hex');
        const nodePlaintext = plainCodec.encode(toNodeInput(c.value));
        if (encryption === undefined) {
          expect(stored.toString('hex'), c.id).toBe(nodePlaintext.toString('hex'));
        } else {
          expect(stored.length, c.id).toBe(nodePlaintext.length + AEAD_OVERHEAD);
          const context = { key, tenant: encryption.tenant, format: 'msgpack', compressed: false };
          expect(store.encryptor!.decrypt(stored, context).toString('hex'), c.id).toBe(nodePlaintext.toString('hex'));
        }
      }
    });

    it("Node's stored bytes are what Python itself would store for the value it read", async () => {
      const namespace = freshNamespace('canonical');
      const store = createNodeInteropStore(redis, namespace, encryption);
      for (const c of ALL_CASES) await store.write(c.operation, nodeArgs(c), toNodeInput(c.value));
      const { output } = await pythonRead(redisUrl, namespace, ALL_CASES, pythonEncryption);
      for (const result of output.results) {
        expect(result.hit, result.id).toBe(true);
        if (encryption === undefined) expect(result.storedHex, result.id).toBe(result.reencodedHex);
        else expect(Buffer.from(result.storedHex!, 'hex').length, result.id).toBe(result.reencodedHex!.length / 2 + AEAD_OVERHEAD);
      }
    });
  });

  it('computes the same key and canonical argument bytes as Python for every argument shape', async () => {
    const namespace = 'ckit-interop.keys-only';
    const calls = [...KEY_ONLY_CALLS, ...ALL_CASES];
    const { output } = await pythonKeys(namespace, calls);
    expect(output.keys.map((k) => k.id)).toEqual(calls.map((c) => c.id));
    for (const [i, call] of calls.entries()) {
      const python = output.keys[i]!;
      if (python.error !== undefined) throw new Error(`Python refused the arguments of ${call.id}: ${python.error}`);
      expect(interopCanonicalArgs(nodeArgs(call)).toString('hex'), call.id).toBe(python.canonicalArgsHex);
      expect(interopKey(namespace, call.operation, nodeArgs(call)), call.id).toBe(python.key);
    }
  });

  describe('encryption binds tenant, key and mode', () => {
    const shared: SharedEncryption = { masterKeyHex: MASTER_KEY_HEX, tenant: TENANT };
    const cases = VALUE_CASES.slice(0, 3);

    it("Python's entries do not decrypt in Node under another tenant or master key", async () => {
      const namespace = freshNamespace('wrong-key');
      const { output, stderr } = await pythonWrite(redisUrl, namespace, cases, shared);
      expect(output.written.every((w) => w.error === undefined), stderr).toBe(true);
      for (const other of [
        { masterKeyHex: MASTER_KEY_HEX, tenant: OTHER_TENANT },
        { masterKeyHex: MASTER_KEY_HEX, tenant: 'default' },
        { masterKeyHex: OTHER_MASTER_KEY_HEX, tenant: TENANT },
      ]) {
        const store = createNodeInteropStore(redis, namespace, other);
        for (const c of cases) await expect(store.read(c.operation, nodeArgs(c)), `${c.id} as ${JSON.stringify(other)}`).rejects.toBeInstanceOf(DecryptionError);
      }
    });

    it("Python does not read Node's entries encrypted for another tenant (its function bodies run)", async () => {
      const namespace = freshNamespace('wrong-tenant');
      const store = createNodeInteropStore(redis, namespace, { masterKeyHex: MASTER_KEY_HEX, tenant: OTHER_TENANT });
      for (const c of cases) await store.write(c.operation, nodeArgs(c), toNodeInput(c.value));
      const { output } = await pythonRead(redisUrl, namespace, cases, shared);
      for (const result of output.results) expect({ id: result.id, present: result.present, hit: result.hit }).toEqual({ id: result.id, present: true, hit: false });
    });

    it('an encrypted reader never accepts a plaintext entry, on either side', async () => {
      const namespace = freshNamespace('plain-vs-encrypted');
      const nodePlain = createNodeInteropStore(redis, namespace);
      const [nodeCase, pythonCase] = cases as [InteropCase, InteropCase];
      await nodePlain.write(nodeCase.operation, nodeArgs(nodeCase), toNodeInput(nodeCase.value));
      const { output: read } = await pythonRead(redisUrl, namespace, [nodeCase], shared);
      expect(read.results[0]).toMatchObject({ present: true, hit: false });

      const { output: written } = await pythonWrite(redisUrl, namespace, [pythonCase]);
      expect(written.written[0]!.error).toBeUndefined();
      const nodeEncrypted = createNodeInteropStore(redis, namespace, shared);
      await expect(nodeEncrypted.read(pythonCase.operation, nodeArgs(pythonCase))).rejects.toBeInstanceOf(DecryptionError);
    });

    it('with no deployment UUID, Python encrypts for the tenant "default", and so does Node', async () => {
      const namespace = freshNamespace('default-tenant');
      const [pythonCase, nodeCase] = cases as [InteropCase, InteropCase];
      const node = createNodeInteropStore(redis, namespace, { masterKeyHex: MASTER_KEY_HEX, tenant: 'default' });
      const { output: written, stderr } = await pythonWrite(redisUrl, namespace, [pythonCase], { masterKeyHex: MASTER_KEY_HEX, tenant: null });
      expect(written.written[0]!.error, stderr).toBeUndefined();
      expect(await node.read(pythonCase.operation, nodeArgs(pythonCase))).toEqual({ present: true, value: toNodeReadView(pythonCase.value) });

      await node.write(nodeCase.operation, nodeArgs(nodeCase), toNodeInput(nodeCase.value));
      const { output: read } = await pythonRead(redisUrl, namespace, [nodeCase], { masterKeyHex: MASTER_KEY_HEX, tenant: null });
      expect(read.results[0]).toMatchObject({ present: true, hit: true });
      expect(normaliseTagged(read.results[0]!.value!)).toEqual(normaliseTagged(nodeCase.value));
    });
  });
});
