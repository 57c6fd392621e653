// The README demo: a slow lookup (~200 ms) cached in L1 and in a file-backed L2 that a second
// process reads. Needs no server. Run with `npm run demo`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cache, FileBackend } from 'cachekit';

const isChild = process.argv[2] === '--child';
const directory = isChild ? process.argv[3] : mkdtempSync(path.join(tmpdir(), 'cachekit-demo-'));
const backend = new FileBackend({ directory });

// Stand-in for a database or HTTP call.
async function fetchUserProfile(userId) {
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { userId, name: `User ${userId}`, roles: ['reader'], fetchedAt: new Date('2026-01-01T00:00:00Z') };
}

const getProfile = cache(fetchUserProfile, { backend, ttl: '10m', module: 'examples.demo' });

async function timed(label) {
  const started = performance.now();
  const profile = await getProfile(42);
  const ms = performance.now() - started;
  return { label, ms, name: profile.name };
}

if (isChild) {
  const row = await timed('fresh process (file L2 hit)');
  process.stdout.write(JSON.stringify({ row, info: getProfile.cacheInfo() }));
  await backend.close?.();
} else {
  const rows = [await timed('first call (miss: runs the function)'), await timed('second call (L1 hit)')];
  await getProfile.flush(); // the L2 write happens in the background; wait for it before the next process reads
  const script = fileURLToPath(import.meta.url);
  const child = JSON.parse(execFileSync(process.execPath, [script, '--child', directory], { encoding: 'utf8' }));
  rows.push(child.row);

  const width = Math.max(...rows.map((r) => r.label.length));
  console.log(`\n  ${'call'.padEnd(width)}   time`);
  console.log(`  ${'-'.repeat(width)}   ---------`);
  for (const r of rows) console.log(`  ${r.label.padEnd(width)}   ${r.ms.toFixed(3).padStart(8)} ms`);
  console.log('\n  cacheInfo() in this process:', getProfile.cacheInfo());
  console.log('  cacheInfo() in the fresh process:', child.info);
  await backend.close?.();
  rmSync(directory, { recursive: true, force: true });
}
