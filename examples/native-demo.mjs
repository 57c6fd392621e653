// The native core on its own: a ~10 KB value, msgpack-encoded, stored in the cachekit
// envelope (LZ4 + xxHash3-64), sealed with a tenant's AES-256-GCM key, and read back.
// Run after `npm run build`:  node examples/native-demo.mjs
import { randomBytes } from 'node:crypto';
import { pack, unpack } from 'msgpackr';
import { ByteStorage, createAad, deriveTenantKeys } from 'cachekit/native';

const value = {
  service: 'orders',
  generatedAt: '2026-11-24T12:00:00Z',
  orders: Array.from({ length: 100 }, (_, index) => ({
    id: 10_000 + index,
    customer: `customer-${index % 17}@example.com`,
    status: ['pending', 'paid', 'shipped'][index % 3],
    total: Math.round((index * 37.5 + 12.99) * 100) / 100,
    items: [{ sku: `SKU-${index % 9}`, quantity: 1 + (index % 4) }],
  })),
};

/** Mean microseconds per call of `fn` over `runs` calls (after a warm-up). */
function timeIt(fn, runs = 2000) {
  for (let i = 0; i < 200; i += 1) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i += 1) fn();
  return Number(process.hrtime.bigint() - start) / runs / 1000;
}

const storage = new ByteStorage();
const keys = deriveTenantKeys(randomBytes(32), 'tenant-demo');
const aad = createAad({ tenantId: keys.tenantId, cacheKey: 'orders:recent', format: 'msgpack', compressed: true });

const encoded = pack(value);
const envelope = storage.store(encoded);
const sealed = keys.encrypt(envelope, aad);

const opened = keys.decrypt(sealed, aad);
const { data, format } = storage.retrieve(opened);
const roundTripped = unpack(data);
if (JSON.stringify(roundTripped) !== JSON.stringify(value)) throw new Error('round trip changed the value');

console.log(`msgpack value      ${encoded.length} bytes`);
console.log(`envelope           ${envelope.length} bytes (${(storage.estimateCompression(encoded)).toFixed(2)}× smaller, format ${format})`);
console.log(`sealed             ${sealed.length} bytes (nonce 12 + tag 16 added)`);
console.log(`key fingerprint    ${keys.fingerprint().toString('hex')}`);
console.log(`keys as JSON       ${JSON.stringify(keys)}`);
console.log('');
console.log(`store              ${timeIt(() => storage.store(encoded)).toFixed(2)} µs`);
console.log(`encrypt            ${timeIt(() => keys.encrypt(envelope, aad)).toFixed(2)} µs`);
console.log(`decrypt            ${timeIt(() => keys.decrypt(sealed, aad)).toFixed(2)} µs`);
console.log(`retrieve           ${timeIt(() => storage.retrieve(opened)).toFixed(2)} µs`);

// Tampering is an error, never a different value.
const tampered = Buffer.from(sealed);
tampered[20] ^= 1;
try {
  keys.decrypt(tampered, aad);
} catch (error) {
  console.log(`\ntampered ciphertext → ${error.code}`);
}
const big = Buffer.alloc(8 * 1024 * 1024, 'cachekit ');
const bigEnvelope = await storage.storeAsync(big);
const back = await storage.retrieveAsync(bigEnvelope);
console.log(`8 MiB off the event loop: envelope ${bigEnvelope.length} bytes, round trip ${back.data.equals(big) ? 'ok' : 'FAILED'}`);
