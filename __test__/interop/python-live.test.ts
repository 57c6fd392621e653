/**
 * Live interop with the official Python SDK: `cachekit` from PyPI (the version pinned in
 * `scripts/python-interop/requirements.txt`) in a virtual environment, against the shared real
 * redis-server. Python writes through `@cache(interop=…, namespace=…)` and Node reads; Node
 * writes and Python reads through decorated functions whose bodies raise (so every value it
 * returns came from the cache); both compute the same keys. Plain and encrypted (AES-256-GCM
 * under one master key, tenant = a shared deployment UUID).
 *
 * Node's side is the public API, `cache(fn, { interop, namespace, backend: RedisBackend })`
 * (`node-cache-side.ts`); the library's interop pieces over ioredis (`node-interop-store.ts`)
 * only look inside stored bytes (decrypting ciphertexts to compare plaintexts).
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RedisBackend } from '../../src/backends/redis/backend';
import { DecryptionError } from '../../src/errors';
import { interopCanonicalArgs, interopKey } from '../../src/keys/interop-key';
import { ensurePythonCachekit, pinnedCachekitVersion } from '../support/python-env';
import { DATE_CASE, KEY_ONLY_CALLS, VALUE_CASES, type InteropCall, type InteropCase } from './cases';
import { createNodeCacheSide } from './node-cache-side';
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
const NONCE_BYTES = 12;

interface Mode {
  readonly name: string;
  readonly encryption: SharedEncryption | undefined;
}

const MODES: readonly Mode[] = [
  { name: 'plain', encryption: undefined },
  { name: 'encrypted', encryption: { masterKeyHex: MASTER_KEY_HEX, tenant: TENANT } },
];

const redisUrl = inject('redisUrl');
/** Raw access, to look at stored keys and bytes. */
let redis: Redis;
/** The backend Node's cached functions share, as an application's would. */
let backend: RedisBackend;
const namespaces: string[] = [];
let namespaceCounter = 0;

/** A namespace no other test (or earlier run) uses. */
function freshNamespace(label: string): string {
  const namespace = `ckit-interop.${label}.${process.pid}-${Date.now().toString(36)}-${namespaceCounter++}`;
  namespaces.push(namespace);
  return namespace;
}

const nodeArgs = (call: InteropCall): unknown[] => call.args.map(toNodeInput);

/** Every key stored under `{namespace}:`. */
async function keysUnder(namespace: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of redis.scanStream({ match: `${namespace}:*`, count: 1000 })) keys.push(...(batch as string[]));
  return keys;
}

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
  redis = new Redis(redisUrl);
  backend = new RedisBackend({ url: redisUrl });
}, 11 * 60_000);

afterAll(async () => {
  await backend?.close();
  if (redis === undefined) return;
  for (const namespace of namespaces) {
    const keys = await keysUnder(namespace);
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

    /** Python and Node each write every case, into namespaces of their own named after `label`. */
    async function bothWriteEveryCase(label: string) {
      const pythonNamespace = freshNamespace(`${label}-py`);
      const nodeNamespace = freshNamespace(`${label}-node`);
      const { output, stderr } = await pythonWrite(redisUrl, pythonNamespace, ALL_CASES, pythonEncryption);
      const written = expectEveryCaseWritten(output, stderr);
      const node = createNodeCacheSide(backend, nodeNamespace, encryption);
      for (const c of ALL_CASES) await node.write(c);
      return { pythonNamespace, nodeNamespace, output, written };
    }

    it('Python writes entries, Node reads the same values through cache() without running its functions', async () => {
      const namespace = freshNamespace('py-to-node');
      const { output, stderr } = await pythonWrite(redisUrl, namespace, ALL_CASES, pythonEncryption);
      expectEveryCaseWritten(output, stderr);
      const node = createNodeCacheSide(backend, namespace, encryption);
      for (const c of ALL_CASES) {
        expect(await node.read(c), c.id).toEqual({ value: toNodeReadView(c.value), functionRan: false });
      }
    });

    it('Node writes entries through cache(), Python reads the same values without running its functions', async () => {
      const namespace = freshNamespace('node-to-py');
      const node = createNodeCacheSide(backend, namespace, encryption);
      for (const c of ALL_CASES) await node.write(c);
      const { output, stderr } = await pythonRead(redisUrl, namespace, ALL_CASES, pythonEncryption);
      expect(output.results.map((r) => r.id)).toEqual(ALL_CASES.map((c) => c.id));
      for (const [i, c] of ALL_CASES.entries()) {
        const result = output.results[i]!;
        expect(result.present, `${c.id}: Node's entry is where Python looks`).toBe(true);
        expect(result.hit, `${c.id}: ${result.miss ?? ''}\n${stderr}`).toBe(true);
        expect(normaliseTagged(result.value!), c.id).toEqual(normaliseTagged(c.value));
        // Plain: Node stored exactly the canonical bytes Python itself writes for that value.
        if (encryption === undefined) expect(result.storedHex, c.id).toBe(result.reencodedHex);
      }
    });

    it('Python and Node store the same calls under byte-identical keys', async () => {
      const { pythonNamespace, nodeNamespace, output, written } = await bothWriteEveryCase('keys');

      // The keys Python's decorator computed are the ones Node's key function computes…
      expect(ALL_CASES.map((c) => written.get(c.id)!.key)).toEqual(ALL_CASES.map((c) => interopKey(pythonNamespace, c.operation, nodeArgs(c))));
      // …and what each SDK really stored is exactly one entry per call, nothing else (no prefix, lock or index keys).
      const withoutNamespace = (keys: string[], namespace: string) => keys.map((k) => k.slice(namespace.length)).sort();
      const nodeStored = await keysUnder(nodeNamespace);
      expect(withoutNamespace(nodeStored, nodeNamespace)).toEqual(withoutNamespace(output.keysInRedis, pythonNamespace));
      expect(nodeStored).toHaveLength(ALL_CASES.length);
    });

    it(
      encryption
        ? 'both ciphertexts are nonce ‖ AES-256-GCM of the same value bytes under the AAD (tenant, key, "msgpack", "False")'
        : 'both SDKs store byte-identical values',
      async () => {
        const { pythonNamespace, nodeNamespace, written } = await bothWriteEveryCase('bytes');
        const pieces = createNodeInteropStore(redis, nodeNamespace, encryption);
        const plainCodec = createNodeInteropStore(redis, nodeNamespace).codec;
        for (const c of ALL_CASES) {
          const pythonKey = written.get(c.id)!.key;
          const nodeKey = interopKey(nodeNamespace, c.operation, nodeArgs(c));
          const pythonStored = Buffer.from(written.get(c.id)!.storedHex, 'hex');
          const nodeStored = (await redis.getBuffer(nodeKey))!;
          if (encryption === undefined) {
            expect(nodeStored.toString('hex'), c.id).toBe(pythonStored.toString('hex'));
            continue;
          }
          const open = (stored: Buffer, key: string) =>
            pieces.encryptor!.decrypt(stored, { key, tenant: encryption.tenant }, { format: 'msgpack', compressed: false }).toString('hex');
          const plaintext = plainCodec.encode(toNodeInput(c.value)).toString('hex');
          expect(open(pythonStored, pythonKey), c.id).toBe(plaintext);
          expect(open(nodeStored, nodeKey), c.id).toBe(plaintext);
          expect(pythonStored.length, c.id).toBe(plaintext.length / 2 + AEAD_OVERHEAD);
          expect(nodeStored.length, c.id).toBe(plaintext.length / 2 + AEAD_OVERHEAD);
          expect(pythonStored.subarray(0, NONCE_BYTES).equals(nodeStored.subarray(0, NONCE_BYTES)), `${c.id}: nonces are unique`).toBe(false);
        }
      },
    );
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

  describe('encryption binds tenant, master key and mode', () => {
    const shared: SharedEncryption = { masterKeyHex: MASTER_KEY_HEX, tenant: TENANT };
    const cases = VALUE_CASES.slice(0, 3);

    it("Node does not serve Python's entries under another tenant or master key: they fail authentication and the function runs", async () => {
      const namespace = freshNamespace('wrong-key');
      const { output, stderr } = await pythonWrite(redisUrl, namespace, cases, shared);
      expect(output.written.every((w) => w.error === undefined), stderr).toBe(true);
      for (const other of [
        { masterKeyHex: MASTER_KEY_HEX, tenant: OTHER_TENANT },
        { masterKeyHex: MASTER_KEY_HEX, tenant: 'default' },
        { masterKeyHex: OTHER_MASTER_KEY_HEX, tenant: TENANT },
      ]) {
        const node = createNodeCacheSide(backend, namespace, other);
        const pieces = createNodeInteropStore(redis, namespace, other);
        for (const [i, c] of cases.entries()) {
          const as = `${c.id} as ${JSON.stringify(other)}`;
          // Put Python's entry back each time: a reader may evict an entry it cannot authenticate, as Python's does.
          const written = output.written[i]!;
          if (written.error !== undefined) throw new Error(written.error);
          await redis.set(written.key, Buffer.from(written.storedHex, 'hex'));
          await expect(pieces.read(c.operation, nodeArgs(c)), as).rejects.toBeInstanceOf(DecryptionError);
          expect(await node.read(c), as).toEqual({ value: undefined, functionRan: true });
        }
      }
    });

    it("Python does not read Node's entries encrypted for another tenant (its function bodies run)", async () => {
      const namespace = freshNamespace('wrong-tenant');
      const node = createNodeCacheSide(backend, namespace, { masterKeyHex: MASTER_KEY_HEX, tenant: OTHER_TENANT });
      for (const c of cases) await node.write(c);
      const { output } = await pythonRead(redisUrl, namespace, cases, shared);
      for (const result of output.results) expect({ id: result.id, present: result.present, hit: result.hit }).toEqual({ id: result.id, present: true, hit: false });
    });

    it('an encrypted reader never accepts a plaintext entry, on either side', async () => {
      const namespace = freshNamespace('plain-vs-encrypted');
      const [nodeCase, pythonCase] = cases as [InteropCase, InteropCase];
      await createNodeCacheSide(backend, namespace).write(nodeCase);
      const { output: read } = await pythonRead(redisUrl, namespace, [nodeCase], shared);
      expect(read.results[0]).toMatchObject({ present: true, hit: false });

      const { output: written } = await pythonWrite(redisUrl, namespace, [pythonCase]);
      expect(written.written[0]!.error).toBeUndefined();
      expect(await createNodeCacheSide(backend, namespace, shared).read(pythonCase)).toEqual({ value: undefined, functionRan: true });
      // The cache deleted the untrustworthy entry it met; write it again to check the raw reader too.
      await pythonWrite(redisUrl, namespace, [pythonCase]);
      await expect(createNodeInteropStore(redis, namespace, shared).read(pythonCase.operation, nodeArgs(pythonCase))).rejects.toBeInstanceOf(DecryptionError);
    });

    it('with no tenant configured on either side, both encrypt for the tenant "default"', async () => {
      const namespace = freshNamespace('default-tenant');
      const [pythonCase, nodeCase] = cases as [InteropCase, InteropCase];
      const pythonDefault = { masterKeyHex: MASTER_KEY_HEX, tenant: null };
      const node = createNodeCacheSide(backend, namespace, { masterKeyHex: MASTER_KEY_HEX, tenant: 'default' });
      const { output: written, stderr } = await pythonWrite(redisUrl, namespace, [pythonCase], pythonDefault);
      expect(written.written[0]!.error, stderr).toBeUndefined();
      expect(await node.read(pythonCase)).toEqual({ value: toNodeReadView(pythonCase.value), functionRan: false });

      await node.write(nodeCase);
      const { output: read } = await pythonRead(redisUrl, namespace, [nodeCase], pythonDefault);
      expect(read.results[0]).toMatchObject({ present: true, hit: true });
      expect(normaliseTagged(read.results[0]!.value!)).toEqual(normaliseTagged(nodeCase.value));
    });
  });
});
