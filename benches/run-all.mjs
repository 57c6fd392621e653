// Runs every benchmark in its own process, one after another (they share this machine's cores,
// so never in parallel), after making sure the native addon and dist/ are built.
// `node benches/run-all.mjs [name…]` runs only the named ones (e.g. `l1-hit l2`).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benches = [
  ['native', ['benches/native.bench.js']],
  ['keys', ['--import', 'tsx', 'benches/keys.bench.js']],
  ['codec', ['--import', 'tsx', 'benches/codec.bench.js']],
  ['reliability', ['--import', 'tsx', 'benches/reliability.bench.js']],
  ['backends', ['benches/backends.bench.js']],
  ['l1-hit', ['benches/l1-hit.bench.mjs']],
  ['copy-on-write', ['benches/copy-on-write.bench.mjs']],
  ['miss', ['benches/miss.bench.mjs']],
  ['l2', ['benches/l2.bench.mjs']],
  ['stampede', ['benches/stampede.bench.mjs']],
  ['stampede-procs', ['benches/stampede-procs.bench.mjs']],
  ['fill-procs', ['benches/fill-procs.bench.mjs']],
  ['secure', ['benches/secure.bench.mjs']],
  ['keyed-integrity', ['benches/keyed-integrity.bench.mjs']],
  ['observability', ['benches/observability.bench.mjs']],
  ['tags', ['benches/tags.bench.mjs']],
  ['many', ['benches/many.bench.mjs']],
  ['faults-peers', ['--import', 'tsx', 'benches/faults-peers.bench.mjs']],
  ['coherence', ['--import', 'tsx', 'benches/coherence.bench.mjs']],
  ['vs-python', ['--import', 'tsx', 'benches/vs-python.bench.mjs']],
  ['startup', ['benches/startup.bench.mjs']],
];
const only = process.argv.slice(2);
execFileSync(process.execPath, ['scripts/ensure-built.mjs'], { cwd: root, stdio: 'inherit' });
for (const [name, args] of benches) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`\n## ${name}\n`);
  execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
}
