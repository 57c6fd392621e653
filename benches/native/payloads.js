'use strict';
/** Deterministic, cache-like payloads: msgpack of JSON-ish records (compressible, not trivially). */
const { pack } = require('msgpackr');

/** msgpack bytes of about `size` bytes of user-like records. */
function recordsPayload(size) {
  const records = [];
  let state = 0x9e3779b9;
  const next = () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state;
  };
  let bytes = Buffer.alloc(0);
  while (bytes.length < size) {
    for (let i = 0; i < 16; i += 1) {
      const id = next();
      records.push({
        id,
        name: `user-${id.toString(36)}`,
        email: `user${id % 9973}@example.com`,
        active: (id & 1) === 1,
        score: (id % 100000) / 100,
        tags: ['alpha', 'beta', 'gamma'].slice(0, id % 4),
      });
    }
    bytes = pack(records);
  }
  return bytes.subarray(0, size);
}

module.exports = { recordsPayload };
