'use strict';
/**
 * The native core against Node's own crypto and the fastest JS/WASM pieces, in one process:
 * envelope store/retrieve (1 KB and 1 MB), AES-256-GCM on 1 KB, BLAKE2b-256 of 64 bytes,
 * xxHash3-64. Prints a markdown table. Run after `npm run build`:
 *   node benches/native.bench.js
 */
const crypto = require('node:crypto');
const { createBLAKE2b } = require('hash-wasm');
const { XXHash3 } = require('xxhash-addon');
const native = require('../dist/native.cjs');
const { runSyncSuite, markdownTable } = require('./native/sync-suite');
const { recordsPayload } = require('./native/payloads');
const { jsStore, jsRetrieve, encodeBound } = require('./native/js-envelope');

async function main() {
  const storage = new native.ByteStorage();
  const rows = [];

  for (const [label, size] of [
    ['1 KB', 1024],
    ['1 MB', 1024 * 1024],
  ]) {
    const data = recordsPayload(size);
    const scratch = Buffer.allocUnsafe(encodeBound(size));
    const out = Buffer.allocUnsafe(size);
    const envelope = storage.store(data);
    if (!jsRetrieve(envelope, out).equals(data) || !storage.retrieve(jsStore(data, scratch)).data.equals(data)) {
      throw new Error('JS and native envelopes do not read each other');
    }
    const ratio = (envelope.length / size).toFixed(2);
    rows.push(
      ...runSyncSuite(`store ${label} (ratio ${ratio})`, [
        { name: 'lz4 + xxhash-addon + msgpackr', fn: () => jsStore(data, scratch), baseline: true },
        { name: 'native ByteStorage.store', fn: () => storage.store(data) },
      ], { bytes: size }),
      ...runSyncSuite(`retrieve ${label}`, [
        { name: 'msgpackr + lz4 + xxhash-addon (reused output)', fn: () => jsRetrieve(envelope, out), baseline: true },
        { name: 'native ByteStorage.retrieve', fn: () => storage.retrieve(envelope) },
      ], { bytes: size }),
    );
  }

  const masterKey = Buffer.alloc(32, 0x61);
  const keys = native.deriveTenantKeys(masterKey, 'bench');
  const key = native.deriveDomainKey(masterKey, 'encryption', Buffer.from('bench'));
  const aad = native.createAad({ tenantId: 'bench', cacheKey: 'ns:func:args:abc', format: 'msgpack', compressed: true });
  const plaintext = recordsPayload(1024);
  let counter = 0;
  const nodeEncrypt = () => {
    const iv = Buffer.alloc(12);
    iv.writeUInt32BE(counter++, 8);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aad);
    return Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  };
  const sealed = keys.encrypt(plaintext, aad);
  const nodeDecrypt = () => {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
  };
  if (!nodeDecrypt().equals(plaintext)) throw new Error('node cannot decrypt the native ciphertext');
  rows.push(
    ...runSyncSuite('AES-256-GCM encrypt 1 KB', [
      { name: 'node:crypto createCipheriv', fn: nodeEncrypt, baseline: true },
      { name: 'native TenantKeys.encrypt', fn: () => keys.encrypt(plaintext, aad) },
      { name: 'native TenantKeys.encrypt chacha20-poly1305', fn: () => keys.encrypt(plaintext, aad, 'chacha20-poly1305') },
      { name: 'native encryptAesGcm (key per call)', fn: () => native.encryptAesGcm(plaintext, key, aad) },
    ], { bytes: 1024 }),
    ...runSyncSuite('AES-256-GCM decrypt 1 KB', [
      { name: 'node:crypto createDecipheriv', fn: nodeDecrypt, baseline: true },
      { name: 'native TenantKeys.decrypt', fn: () => keys.decrypt(sealed, aad) },
    ], { bytes: 1024 }),
  );

  const small = recordsPayload(64);
  const wasmBlake = await createBLAKE2b(256);
  const blakeViaWasm = () => {
    wasmBlake.init();
    wasmBlake.update(small);
    return wasmBlake.digest('binary');
  };
  if (Buffer.from(blakeViaWasm()).toString('hex') !== native.blake2b256Hex(small)) throw new Error('blake2b differs');
  rows.push(
    ...runSyncSuite('BLAKE2b-256 of 64 B', [
      { name: 'hash-wasm createBLAKE2b(256)', fn: blakeViaWasm, baseline: true },
      { name: 'native blake2b256', fn: () => native.blake2b256(small) },
      { name: 'native blake2b256Hex', fn: () => native.blake2b256Hex(small) },
      { name: 'node:crypto sha256 (reference point)', fn: () => crypto.createHash('sha256').update(small).digest() },
    ]),
  );

  const xxh = XXHash3;
  rows.push(
    ...runSyncSuite('xxHash3-64 of 1 KB', [
      { name: 'xxhash-addon XXHash3', fn: () => xxh.hash(plaintext), baseline: true },
      { name: 'native xxh3_64', fn: () => native.xxh3_64(plaintext) },
    ], { bytes: 1024 }),
  );

  console.log(`Node ${process.version}, ${require('node:os').cpus().length} cores (${require('node:os').cpus()[0].model})\n`);
  console.log(markdownTable(rows));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
