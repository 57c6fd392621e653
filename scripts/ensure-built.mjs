// Builds what `npm run demo` needs when a fresh clone lacks it: the native addon (a Rust
// release build with LTO: a few minutes on 2 cores the first time) and the TypeScript bundle.
// A clone has no prebuilt binary; an installed package takes one from its platform package.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const hasNative = readdirSync(root).some((f) => f.startsWith('cachekit.') && f.endsWith('.node'));
const hasDist = ['cachekit.cjs', 'index.cjs', 'index.mjs'].every((f) => existsSync(path.join(root, 'dist', f)));
if (!hasNative) {
  console.log('No native addon yet: building it with cargo (release, LTO; about 3 minutes on 2 cores the first time).');
  execSync('npm run build:native', { cwd: root, stdio: 'inherit' });
}
if (!hasDist) execSync('npm run build:ts', { cwd: root, stdio: 'inherit' });
