'use strict';
/**
 * The value codec against msgpackr and JSON in one process, for a 1 KB and a 1 MB object:
 * encode (serialize + envelope = the store path) and decode (envelope check + bounded
 * deserialize = the retrieve path), per serializer, plus the MessagePack engines on their own
 * (cachekit's encoder/decoder, msgpackr, @msgpack/msgpack) and arrow Tables against raw
 * apache-arrow IPC. Prints a markdown table.
 *   node --import tsx benches/codec.bench.js
 */
const { Packr, Unpackr } = require('msgpackr');
const msgpack = require('@msgpack/msgpack');
const arrow = require('apache-arrow');
const { runSyncSuite, markdownTable } = require('./native/sync-suite');
const { createCodec, standardSerializer, autoSerializer } = require('../src/codec/index.ts');
const { objectOfSize, tableOfSize } = require('./codec/values');

const context = { key: 'ns:bench:func:m.f:args:0123:1s' };

function valueSuites(label, value, maxTime) {
  const packr = new Packr({ useRecords: false });
  const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });
  const packed = packr.pack(value);
  const json = JSON.stringify(value);
  const jsonBytes = Buffer.from(json);
  const codecs = {
    standard: createCodec({ serializer: 'standard' }),
    'standard, integrity off': createCodec({ serializer: 'standard', integrity: false }),
    auto: createCodec({ serializer: 'auto' }),
    json: createCodec({ serializer: 'json' }),
  };
  const stored = Object.fromEntries(Object.entries(codecs).map(([name, codec]) => [name, codec.encode(value, context)]));
  const standardBytes = Buffer.from(standardSerializer.serialize(value));
  const autoBytes = Buffer.from(autoSerializer.serialize(value));
  for (const [name, codec] of Object.entries(codecs)) {
    if (JSON.stringify(codec.decode(stored[name], context)) !== json) throw new Error(`${name} does not round-trip`);
  }
  const opts = { bytes: packed.length, maxTime };
  const sizes = `msgpack ${packed.length} B, stored standard ${stored.standard.length} B`;
  return [
    ...runSyncSuite(`encode ${label} (${sizes})`, [
      { name: 'msgpackr pack (baseline)', fn: () => packr.pack(value), baseline: true },
      { name: 'JSON.stringify + Buffer.from', fn: () => Buffer.from(JSON.stringify(value)) },
      { name: '@msgpack/msgpack encode', fn: () => msgpack.encode(value) },
      { name: 'cachekit standard serializer only', fn: () => standardSerializer.serializeTransient(value) },
      { name: 'cachekit auto serializer only', fn: () => autoSerializer.serializeTransient(value) },
      ...Object.entries(codecs).map(([name, codec]) => ({ name: `codec.encode ${name}`, fn: () => codec.encode(value, context) })),
    ], opts),
    ...runSyncSuite(`decode ${label}`, [
      { name: 'msgpackr unpack (baseline)', fn: () => unpackr.unpack(packed), baseline: true },
      { name: 'JSON.parse(utf8)', fn: () => JSON.parse(jsonBytes.toString('utf8')) },
      { name: '@msgpack/msgpack decode', fn: () => msgpack.decode(packed) },
      { name: 'cachekit standard deserializer only', fn: () => standardSerializer.deserialize(standardBytes) },
      { name: 'cachekit auto deserializer only', fn: () => autoSerializer.deserialize(autoBytes) },
      ...Object.entries(codecs).map(([name, codec]) => ({ name: `codec.decode ${name}`, fn: () => codec.decode(stored[name], context) })),
    ], opts),
  ];
}

function arrowSuites(label, table, maxTime) {
  const codec = createCodec({ serializer: 'arrow' });
  const ipc = arrow.tableToIPC(table, 'file');
  const stored = codec.encode(table, context);
  const opts = { bytes: ipc.length, maxTime };
  return [
    ...runSyncSuite(`arrow encode ${label} (IPC ${ipc.length} B)`, [
      { name: 'apache-arrow tableToIPC (baseline)', fn: () => arrow.tableToIPC(table, 'file'), baseline: true },
      { name: 'codec.encode arrow', fn: () => codec.encode(table, context) },
    ], opts),
    ...runSyncSuite(`arrow decode ${label}`, [
      { name: 'apache-arrow tableFromIPC (baseline)', fn: () => arrow.tableFromIPC(ipc), baseline: true },
      { name: 'codec.decode arrow', fn: () => codec.decode(stored, context) },
    ], opts),
  ];
}

function main() {
  const rows = [
    ...valueSuites('1 KB', objectOfSize(1024), 1.5),
    ...valueSuites('1 MB', objectOfSize(1024 * 1024), 3),
    ...arrowSuites('1 KB', tableOfSize(arrow, 1024), 1),
    ...arrowSuites('1 MB', tableOfSize(arrow, 1024 * 1024), 2),
  ];
  console.log(markdownTable(rows));
}

main();
