// Start-up cost: how long `require('cachekit')` (and `import`) takes in a fresh process, next
// to ioredis alone, measured on the built package (dist/, through its own exports). Each
// sample is a new node process timing only the load (wall and CPU time of that one call);
// the variants run interleaved, so a busy machine slows them alike. Medians are printed.
//
//   node benches/startup.bench.mjs [runs]     (default 41)
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 41);

/** What each variant loads, as the body of a CommonJS or ES module script. */
const VARIANTS = {
  'nothing (node -e)': { module: false, load: '' },
  "require('ioredis')": { module: false, load: "require('ioredis');" },
  "require('cachekit')": { module: false, load: "require('cachekit');" },
  "import('cachekit')": { module: true, load: "await import('cachekit');" },
  "require('cachekit') + new RedisBackend": { module: false, load: "new (require('cachekit').RedisBackend)({ url: 'redis://127.0.0.1:1' }).close();" },
};

function sample({ module, load }) {
  const script = `const c = process.cpuUsage(); const t = process.hrtime.bigint(); ${load} const wall = Number(process.hrtime.bigint() - t) / 1e6; const u = process.cpuUsage(c); console.log(JSON.stringify([wall, (u.user + u.system) / 1000]));`;
  const args = module ? ['--input-type=module', '-e', script] : ['-e', script];
  return JSON.parse(execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim().split('\n').pop());
}

const samples = Object.fromEntries(Object.keys(VARIANTS).map((name) => [name, { wall: [], cpu: [] }]));
for (let i = 0; i < runs; i++) {
  for (const [name, variant] of Object.entries(VARIANTS)) {
    const [wall, cpu] = sample(variant);
    samples[name].wall.push(wall);
    samples[name].cpu.push(cpu);
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`| load (${runs} fresh processes each) | wall ms, median | CPU ms, median |`);
console.log('|---|---:|---:|');
for (const [name, { wall, cpu }] of Object.entries(samples)) console.log(`| ${name} | ${median(wall).toFixed(1)} | ${median(cpu).toFixed(1)} |`);
