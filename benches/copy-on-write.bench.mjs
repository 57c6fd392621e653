// Copy-on-first-write, one of the options issue 16 asked to measure for a hit's fresh value,
// against what the default mode does (a fresh copy from a function compiled for the value's
// shape). The candidate is written here, not in the library: a hit of `l1.mode: 'frozen'` (the
// stored value, deep-frozen) wrapped in a Proxy view whose reads go to the stored value (nested
// containers wrapped on first access) and whose first write to a container copies that
// container for the view alone. Three uses of the hit's value: none, reading every field once,
// and JSON.stringify. Nested 1 KB record (34 containers), memory-only caches, one process,
// interleaved batches (benches/lib/rounds.js); the ratio to the default mode is what to read.
// Run: node benches/copy-on-write.bench.mjs   (COW_BATCHES=… to change the amount)
import { createRequire } from 'node:module';
import { cache } from 'cachekit';
import { publishReport } from './lib/report.mjs';

const require = createRequire(import.meta.url);
const { nestedPayload } = require('./lib/payload.js');
const { interleavedBatches } = require('./lib/rounds.js');

const BATCHES = Number(process.env.COW_BATCHES ?? 600);
// A compiled copier runs at the generic walk's speed for its first few thousand calls.
const WARMUP = 5_000;
const ID = 42;

/** A copy-on-first-write view of `target` (a frozen plain object or array). */
function copyOnWriteView(target) {
  let own;
  const children = new Map();
  const source = () => own ?? target;
  const isArray = Array.isArray(target);
  return new Proxy(isArray ? [] : {}, {
    get(_shell, property) {
      const value = source()[property];
      if (value === null || typeof value !== 'object') return value;
      let child = children.get(property);
      if (child === undefined) {
        child = copyOnWriteView(value);
        children.set(property, child);
      }
      return child;
    },
    set(_shell, property, value) {
      own ??= isArray ? target.slice() : { ...target };
      own[property] = value;
      children.delete(property);
      return true;
    },
    has: (_shell, property) => property in source(),
    ownKeys: () => Reflect.ownKeys(source()),
    getOwnPropertyDescriptor(_shell, property) {
      // An array's `length` is not configurable on the shell, so it must not be reported as such.
      if (isArray && property === 'length') return { value: source().length, writable: true, enumerable: false, configurable: false };
      const descriptor = Reflect.getOwnPropertyDescriptor(source(), property);
      return descriptor === undefined ? undefined : { ...descriptor, writable: true, configurable: true };
    },
  });
}

/** Touches every field of a value once (what a handler reading its result does). */
function readEveryField(value) {
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? value.length : 1;
  let total = 0;
  for (const key in value) total += readEveryField(value[key]);
  return total;
}

const load = async (id) => nestedPayload(id);
const fresh = cache(load, { backend: null, name: 'cowBenchFresh' });
const frozen = cache(load, { backend: null, name: 'cowBenchFrozen', l1: { mode: 'frozen' } });
const view = async (id) => copyOnWriteView(await frozen(id));

// The candidate's semantics, checked before timing: a write shows in the view and nowhere else.
const probe = await view(ID);
probe.customer.name = 'changed';
if (probe.customer.name !== 'changed' || (await view(ID)).customer.name === 'changed' || (await fresh(ID)).customer.name === 'changed') {
  throw new Error('the copy-on-write view does not isolate writes');
}
let structuredCloneOfView = 'works';
try {
  structuredClone(await view(ID));
} catch (error) {
  structuredCloneOfView = `throws ${error.name}`;
}

const uses = [
  ['the hit alone', (value) => value],
  ['the hit, then every field read once', readEveryField],
  ['the hit, then JSON.stringify', (value) => JSON.stringify(value)],
];
const lines = [
  `## Copy-on-first-write against the default mode's fresh copy (nested 1 KB record; ${BATCHES} interleaved batches of 25)`,
  '',
  '| use of the value | default: fresh compiled copy, µs | copy-on-write Proxy view, µs | view ÷ default |',
  '| --- | ---: | ---: | ---: |',
];
let sink = 0;
for (const [name, use] of uses) {
  const rows = await interleavedBatches(
    [
      { name: 'default', fn: async () => void (sink += use(await fresh(ID)) ? 1 : 0) },
      { name: 'view', fn: async () => void (sink += use(await view(ID)) ? 1 : 0) },
    ],
    { batches: BATCHES, warmup: WARMUP },
  );
  lines.push(`| ${name} | ${rows[0].medianUs.toFixed(3)} | ${rows[1].medianUs.toFixed(3)} | ${rows[1].ratio.toFixed(2)} |`);
}
lines.push('', `structuredClone of a view: ${structuredCloneOfView}. Calls counted: ${sink}.`);
publishReport('copy-on-write', lines);
