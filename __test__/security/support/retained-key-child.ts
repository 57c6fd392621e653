/**
 * Child process of retained-key.test.ts: builds an encrypted cache the way a service would,
 * uses it, drops its own references to the key, and then reports where the key's bytes still
 * live in JavaScript memory:
 *
 *   - `arrayBufferHits`: how many ArrayBuffers (every Buffer's backing store, pooled or not)
 *     hold a key's 32 bytes, found through the inspector's `Runtime.queryObjects`;
 *   - a heap snapshot written to argv[3], which the parent searches for the key's hex text.
 *
 * The child is never told the keys themselves: it gets them XOR-masked (env KEY_MASKS) and
 * unmasks byte by byte while comparing, so its own search never materialises them. The keys
 * reach the library the way the mode says (argv[2]):
 *   env     CACHEKIT_MASTER_KEY / CACHEKIT_PREVIOUS_MASTER_KEYS, set by the parent;
 *   hex     `encryption: { masterKey: string, previousMasterKeys: [string] }` from env TEST_KEYS_HEX;
 *   buffer  the same as Buffers the child builds outside Node's Buffer pool, then drops;
 *   keyed   `integrity: { masterKey: string }` (keyed integrity) from env TEST_KEYS_HEX.
 */
import { Session } from 'node:inspector/promises';
import { writeHeapSnapshot } from 'node:v8';
import { cache } from '../../../src/cache';
import { MemoryBackend } from '../../../src/backends/memory';

const MASK = 0x5c;
const [mode, snapshotPath] = process.argv.slice(2) as [string, string];

/** Hex to bytes in an unpooled Buffer (`Buffer.from(hex, 'hex')` would copy into the shared pool). */
function unpooledBytes(hex: string): Buffer {
  const bytes = Buffer.alloc(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function keyOptions(): Record<string, unknown> {
  if (mode === 'env') return { encryption: {} };
  const [current, previous] = (process.env.TEST_KEYS_HEX ?? '').split(',') as [string, string];
  if (mode === 'hex') return { encryption: { masterKey: current, previousMasterKeys: [previous] } };
  if (mode === 'keyed') return { integrity: { masterKey: current, previousMasterKeys: [previous] } };
  return { encryption: { masterKey: unpooledBytes(current), previousMasterKeys: [unpooledBytes(previous)] } };
}

/** Builds and uses the cache, then searches this process's memory for the keys. */
async function main(): Promise<void> {
  const backend = new MemoryBackend();
  let runs = 0;
  // A function of the same shape a service writes; the options object is built inline and not
  // kept by this code, so anything that still holds it afterwards is the library.
  const f = (mode === 'keyed' ? cache : cache.secure)(async (id: number) => ({ id, run: ++runs }), {
    backend,
    l1: false,
    tenant: (id: number) => `tenant-${id % 3}`,
    name: 'retained',
    module: 'retained-key',
    ...keyOptions(),
  } as never);
  for (const id of [1, 2, 3, 1, 2, 3]) await (f as unknown as (id: number) => Promise<unknown>)(id);
  await (f as unknown as { flush(): Promise<void> }).flush();
  delete process.env.TEST_KEYS_HEX;

  const masks = (process.env.KEY_MASKS ?? '').split(',').map((hex) => Array.from(unpooledBytes(hex)));
  delete process.env.KEY_MASKS;
  for (let i = 0; i < 4; i++) (globalThis as { gc?: () => void }).gc?.();

  const session = new Session();
  session.connect();
  const prototype = await session.post('Runtime.evaluate', { expression: 'ArrayBuffer.prototype' });
  const buffers = await session.post('Runtime.queryObjects', { prototypeObjectId: prototype.result.objectId! });
  const search = await session.post('Runtime.callFunctionOn', {
    objectId: buffers.objects.objectId!,
    returnByValue: true,
    arguments: [{ value: masks }, { value: MASK }],
    functionDeclaration: `function (masks, mask) {
      const hits = masks.map(() => 0);
      for (const arrayBuffer of this) {
        const bytes = new Uint8Array(arrayBuffer);
        masks.forEach((masked, k) => {
          next: for (let i = 0; i + masked.length <= bytes.length; i++) {
            for (let j = 0; j < masked.length; j++) if (bytes[i + j] !== (masked[j] ^ mask)) continue next;
            hits[k]++;
          }
        });
      }
      return { arrayBuffers: this.length, hits };
    }`,
  });
  session.disconnect();
  writeHeapSnapshot(snapshotPath);
  const { arrayBuffers, hits } = search.result.value as { arrayBuffers: number; hits: number[] };
  process.stdout.write(`${JSON.stringify({ runs, arrayBuffers, arrayBufferHits: hits })}\n`);
}

void main();
