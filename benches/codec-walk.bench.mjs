// The value encoder's two walks of a plain object: for-in (what it takes) against
// `Object.keys` (what it falls back to while Object.prototype has an enumerable property). The
// fallback is switched on for a whole process (switching it per batch would deoptimise both
// walks), so each walk runs in processes of its own, alternating for WALK_PROCESSES rounds;
// each process times batches of records built fresh (as a miss's function builds them) and
// reports the median batch. Ratio: the median over rounds of for-in ÷ Object.keys.
//   node --import tsx benches/codec-walk.bench.mjs   (WALK_PROCESSES=…, WALK_BATCHES=…)
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ValueEncoder } from '../src/msgpack/value-encoder.ts';
import { publishReport } from './lib/report.mjs';

const require = createRequire(import.meta.url);
const { userPayload, nestedPayload } = require('./lib/payload.js');
const { median } = require('./lib/rounds.js');

const PROCESSES = Number(process.env.WALK_PROCESSES ?? 5);
const BATCHES = Number(process.env.WALK_BATCHES ?? 400);
const BATCH = 64;

const keyed = (count) => (i) => Object.fromEntries(Array.from({ length: count }, (_, k) => [`field${k}`, i + k]));
const shapes = [
  ['nested 1 KB record (`nestedPayload`, 34 containers)', nestedPayload],
  ['flat 1 KB record (`userPayload`)', userPayload],
  ['100 keys, small integers', keyed(100)],
  [
    '3 keys, dictionary mode (one deleted)',
    (i) => {
      const value = { a: i, gone: 0, b: 'x', c: true };
      delete value.gone;
      return value;
    },
  ],
];

/** Child process: the median ns per encode of each shape, with the walk given by `walk`. */
function measure(walk) {
  if (walk === 'object-keys') Object.defineProperty(Object.prototype, 'benchWalkSwitch', { value: 1, enumerable: true });
  const encoder = new ValueEncoder('standard');
  let id = 0;
  const result = shapes.map(([, build]) => {
    const times = [];
    for (let round = 0; round < BATCHES + 40; round++) {
      const batch = Array.from({ length: BATCH }, () => build(id++));
      const started = process.hrtime.bigint();
      for (const value of batch) encoder.encode(value);
      if (round >= 40) times.push(Number(process.hrtime.bigint() - started) / BATCH);
    }
    return median(times);
  });
  console.log(JSON.stringify(result));
}

if (process.argv[2] === '--walk') {
  measure(process.argv[3]);
  process.exit(0);
}

const script = fileURLToPath(import.meta.url);
const run = (walk) => JSON.parse(execFileSync(process.execPath, [...process.execArgv, script, '--walk', walk], { encoding: 'utf8' }).trim().split('\n').pop());
const perShape = shapes.map(() => ({ keys: [], forIn: [], ratios: [] }));
for (let round = 0; round < PROCESSES; round++) {
  const keys = run('object-keys');
  const forIn = run('for-in');
  perShape.forEach((row, i) => {
    row.keys.push(keys[i]);
    row.forIn.push(forIn[i]);
    row.ratios.push(forIn[i] / keys[i]);
  });
}
const lines = ['| value | Object.keys walk, ns | for-in walk, ns | for-in ÷ Object.keys (range) |', '| --- | ---: | ---: | ---: |'];
perShape.forEach((row, i) => {
  const range = `${Math.min(...row.ratios).toFixed(2)}–${Math.max(...row.ratios).toFixed(2)}`;
  lines.push(`| ${shapes[i][0]} | ${median(row.keys).toFixed(0)} | ${median(row.forIn).toFixed(0)} | ${median(row.ratios).toFixed(2)} (${range}) |`);
});
publishReport('codec-walk', [`## Plain-object walk of the value encoder: ${PROCESSES} rounds of one process per walk, ${BATCHES} batches of ${BATCH} encodes each`, '', ...lines]);
