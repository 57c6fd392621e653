'use strict';
/**
 * What the reliability layer costs on the L2 path, measured where it is most visible: over the
 * in-process memory backend, whose own get is a Map lookup. Baselines run in the same process.
 *   - ResilientBackend.get (defaults: breaker + adaptive timeout + backpressure) vs raw get,
 *     and with each feature alone, so a regression can be located;
 *   node --import tsx benches/reliability.bench.js
 */
const { runAsyncSuite, toMarkdown } = require('./lib/async-suite');
const { MemoryBackend } = require('../src/backends/memory.ts');
const { ResilientBackend } = require('../src/reliability/resilient-backend.ts');

async function l2Suite() {
  const memory = new MemoryBackend();
  await memory.set('bench:key', Buffer.alloc(256, 7));
  const full = new ResilientBackend(memory);
  const breakerOnly = new ResilientBackend(memory, { timeouts: false, backpressure: false });
  const timeoutsOnly = new ResilientBackend(memory, { circuitBreaker: false, backpressure: false });
  const backpressureOnly = new ResilientBackend(memory, { circuitBreaker: false, timeouts: false });
  const cases = [
    { name: 'MemoryBackend.get (baseline)', fn: () => memory.get('bench:key'), baseline: true },
    { name: 'ResilientBackend.get (defaults)', fn: () => full.get('bench:key') },
    { name: 'ResilientBackend.get (breaker only)', fn: () => breakerOnly.get('bench:key') },
    { name: 'ResilientBackend.get (adaptive timeout only)', fn: () => timeoutsOnly.get('bench:key') },
    { name: 'ResilientBackend.get (backpressure only)', fn: () => backpressureOnly.get('bench:key') },
  ];
  const rows = await runAsyncSuite('L2 get over the memory backend', cases);
  await full.close();
  return toMarkdown('L2 get over the memory backend (256-byte value)', rows, 'raw get');
}

async function main() {
  console.log(`Node ${process.version}, ${require('node:os').cpus().length} CPUs\n`);
  console.log(await l2Suite());
  console.log();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
