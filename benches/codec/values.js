'use strict';
/**
 * Realistic values for the codec benchmarks: arrays of user-like records (strings, integers,
 * floats, booleans, nested arrays and objects) grown until their MessagePack form reaches a
 * target size, so "1 KB" and "1 MB" mean bytes on the wire.
 */
const { Packr } = require('msgpackr');

const packr = new Packr({ useRecords: false });

function record(i) {
  return {
    id: 100000 + i,
    name: `user-${i}`,
    email: `user${i}@example.com`,
    active: i % 3 !== 0,
    score: (i * 7.31) % 100,
    roles: i % 2 ? ['reader', 'writer'] : ['reader'],
    address: { city: i % 2 ? 'Lisbon' : 'Oslo', zip: `${10000 + i}` },
  };
}

/** An object `{ total, items: [...] }` whose msgpackr encoding is about `bytes` long. */
function objectOfSize(bytes) {
  const value = { total: 0, items: [] };
  while (packr.pack(value).length < bytes) {
    value.items.push(record(value.items.length));
    value.total = value.items.length;
  }
  return value;
}

/** An apache-arrow Table of the same records' flat columns, about `bytes` as Arrow IPC. */
function tableOfSize(arrow, bytes) {
  let rows = 8;
  for (;;) {
    const ids = Int32Array.from({ length: rows }, (_, i) => 100000 + i);
    const scores = Float64Array.from({ length: rows }, (_, i) => (i * 7.31) % 100);
    const names = Array.from({ length: rows }, (_, i) => `user-${i}`);
    const table = arrow.tableFromArrays({ id: ids, score: scores, name: names });
    if (arrow.tableToIPC(table, 'file').length >= bytes) return table;
    rows = Math.ceil(rows * 1.25);
  }
}

module.exports = { objectOfSize, tableOfSize };
