// Start-up cost: how long `require('cachekit')` (and `import`) takes in a fresh process, next
// to ioredis alone, measured on the built package (dist/, through its own exports). Each
// sample is a new node process running a script file (as `node app.js` would: `node -e`
// preloads built-ins such as node:crypto, which hides their cost) that times only the load
// (wall and CPU time of that one call); the variants run interleaved, so a busy machine slows
// them alike. Medians are printed.
//
//   node benches/startup.bench.mjs [runs] [--compare <package root>]     (default 41 runs)
//
// --compare adds the cachekit rows of another built checkout (e.g. main) to the same run, as
// "before", for a before/after table measured under the same load.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const compareAt = args.indexOf('--compare');
const compareRoot = compareAt === -1 ? undefined : path.resolve(args.splice(compareAt, 2)[1]);
const runs = Number(args[0] ?? 41);

/** What each variant loads, as the body of a CommonJS or ES module script. */
const VARIANTS = {
  'nothing (empty script)': { module: false, load: '' },
  'require of an empty file': { module: false, load: "require('./empty.cjs');" },
  "require('ioredis')": { module: false, load: "require('ioredis');" },
  "require('cachekit')": { module: false, load: "require('cachekit');", cachekit: true },
  "import('cachekit')": { module: true, load: "await import('cachekit');", cachekit: true },
  "require('cachekit') + new RedisBackend": {
    module: false,
    load: "new (require('cachekit').RedisBackend)({ url: 'redis://127.0.0.1:1' }).close();",
    cachekit: true,
  },
};

/** Writes each variant as a script in `<packageRoot>/.tmp/` (there `cachekit` resolves to the package itself). */
function writeScripts(packageRoot) {
  const dir = path.join(packageRoot, '.tmp', `startup-bench-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'empty.cjs'), '');
  const files = {};
  for (const [name, { module, load }] of Object.entries(VARIANTS)) {
    const file = path.join(dir, `${Object.keys(files).length}.${module ? 'mjs' : 'cjs'}`);
    writeFileSync(
      file,
      `const c = process.cpuUsage(); const t = process.hrtime.bigint(); ${load} const wall = Number(process.hrtime.bigint() - t) / 1e6; const u = process.cpuUsage(c); console.log(JSON.stringify([wall, (u.user + u.system) / 1000]));\n`,
    );
    files[name] = file;
  }
  return { dir, files };
}

const sample = (file) => JSON.parse(execFileSync(process.execPath, [file], { encoding: 'utf8' }).trim().split('\n').pop());

const rows = [];
const after = writeScripts(root);
const before = compareRoot === undefined ? undefined : writeScripts(compareRoot);
for (const name of Object.keys(VARIANTS)) {
  if (before !== undefined && VARIANTS[name].cachekit) rows.push({ name: `${name} — before`, file: before.files[name] });
  rows.push({ name: before !== undefined && VARIANTS[name].cachekit ? `${name} — after` : name, file: after.files[name] });
}
try {
  for (const row of rows) Object.assign(row, { wall: [], cpu: [] });
  for (let i = 0; i < runs; i++) {
    for (const row of rows) {
      const [wall, cpu] = sample(row.file);
      row.wall.push(wall);
      row.cpu.push(cpu);
    }
  }
} finally {
  rmSync(after.dir, { recursive: true, force: true });
  if (before !== undefined) rmSync(before.dir, { recursive: true, force: true });
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`| load (${runs} fresh processes each) | wall ms, median | CPU ms, median |`);
console.log('|---|---:|---:|');
for (const { name, wall, cpu } of rows) console.log(`| ${name} | ${median(wall).toFixed(1)} | ${median(cpu).toFixed(1)} |`);
