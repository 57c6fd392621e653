'use strict';
/**
 * Key building, the cost every cached call pays (L1 hits included): the prebuilt builder
 * (`createKeyBuilder`, with its memo of recent argument encodings and without it) against the general `cacheKey`, a straightforward msgpackr + native
 * BLAKE2b implementation (baseline) and `JSON.stringify` of the arguments (a floor: no hash,
 * not canonical). All in one process; prints a markdown table.
 *   node --import tsx benches/keys.bench.js
 */
const { Packr } = require('msgpackr');
const { runSyncSuite, markdownTable } = require('./native/sync-suite');
const { createKeyBuilder, cacheKey } = require('../src/keys/index.ts');
const { blake2b256Hex } = require('../src/native.ts');
const { callShapes } = require('./keys/call-shapes');

function main() {
  const options = { namespace: 'users', module: 'src.users.service', name: 'getUser', integrity: true, serializerCode: 's' };
  const build = createKeyBuilder(options);
  const buildWithoutMemo = createKeyBuilder({ ...options, memoSize: 0 });
  const packr = new Packr({ useRecords: false, variableMapSize: true });
  const prefix = 'ns:users:func:src.users.service.getUser:args:';
  const naive = (args) => `${prefix}${blake2b256Hex(packr.pack([args, {}]))}:1s`;

  const rows = [];
  for (const { label, args } of callShapes) {
    if (build(args) !== cacheKey({ ...options, serializer: 'standard', args })) throw new Error(`builder and cacheKey disagree for ${label}`);
    rows.push(
      ...runSyncSuite(label, [
        { name: 'msgpackr.pack + native blake2b256Hex (baseline)', fn: () => naive(args), baseline: true },
        { name: 'createKeyBuilder (repeated args: memo hit)', fn: () => build(args) },
        { name: 'createKeyBuilder, memoSize 0 (encode + hash every call)', fn: () => buildWithoutMemo(args) },
        { name: 'cacheKey (general)', fn: () => cacheKey({ ...options, serializer: 'standard', args }) },
        { name: 'JSON.stringify(args) (floor: no hash, not canonical)', fn: () => JSON.stringify(args) },
      ], { maxTime: 1 }),
    );
  }
  console.log(markdownTable(rows));
}

main();
