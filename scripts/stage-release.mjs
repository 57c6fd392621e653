// Stages the packages a release publishes, exactly as they will be published:
//
//   node scripts/stage-release.mjs <out-dir> [--binaries <dir>] [--only-available]
//
// <out-dir>/cachekit/      the main package: the files `npm pack` takes from this checkout, with
//                          every platform package as an exact-version optional dependency;
// <out-dir>/<platform>/    one package per npm/<platform>/ folder, with its .node binary (found
//                          anywhere under --binaries, default: this checkout's root).
//
// Every staged package gets the root package.json's version: the platform packages are
// released in lockstep with the main one, and the main one pins exactly that version (the
// loader's error names it). A missing binary is an error, unless --only-available (the
// packaging tests, which have only the host's binary) skips that platform's package; the main
// package still lists every platform, as the published one does. The release workflow and the
// packaging tests both use this script, so what the tests install is what gets published.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const out = args[0];
if (out === undefined || out.startsWith('--')) {
  console.error('usage: node scripts/stage-release.mjs <out-dir> [--binaries <dir>] [--only-available]');
  process.exit(2);
}
const binariesIndex = args.indexOf('--binaries');
const binaries = path.resolve(binariesIndex === -1 ? root : args[binariesIndex + 1] ?? root);
const onlyAvailable = args.includes('--only-available');

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const writeJson = (file, value) => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
const main = readJson(path.join(root, 'package.json'));

/** Every file named `name` under `dir` (CI artifacts sit in one folder per target). */
function findFile(dir, name) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'target' || entry.name === '.git') continue;
    const full = path.join(dir, entry.name);
    if (entry.isFile() && entry.name === name) return full;
    if (entry.isDirectory()) {
      const found = findFile(full, name);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const optionalDependencies = {};
const staged = [];
for (const dir of readdirSync(path.join(root, 'npm')).sort()) {
  const platform = readJson(path.join(root, 'npm', dir, 'package.json'));
  optionalDependencies[platform.name] = main.version;
  const binary = findFile(binaries, platform.main);
  if (binary === undefined) {
    if (onlyAvailable) continue;
    throw new Error(`no ${platform.main} under ${binaries}: every platform package needs its binary`);
  }
  const target = path.join(out, dir);
  mkdirSync(target);
  writeJson(path.join(target, 'package.json'), { ...platform, version: main.version, repository: main.repository });
  copyFileSync(path.join(root, 'npm', dir, 'README.md'), path.join(target, 'README.md'));
  copyFileSync(path.join(root, 'LICENSE'), path.join(target, 'LICENSE'));
  copyFileSync(binary, path.join(target, platform.main));
  staged.push(target);
}

// The main package: what `npm pack` would take from this checkout, plus the platform packages.
const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
const mainDir = path.join(out, 'cachekit');
for (const { path: file } of packed.files) cpSync(path.join(root, file), path.join(mainDir, file), { recursive: true });
writeJson(path.join(mainDir, 'package.json'), { ...main, optionalDependencies });
staged.push(mainDir);

for (const dir of staged) console.log(dir);
