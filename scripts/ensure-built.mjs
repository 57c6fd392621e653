// Builds the native addon and the TypeScript bundle when a fresh clone has neither,
// so `npm run demo` works straight after `npm install`.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const hasNative = readdirSync(root).some((f) => f.startsWith('cachekit.') && f.endsWith('.node'));
const hasDist = existsSync(path.join(root, 'dist', 'index.mjs')) && existsSync(path.join(root, 'dist', 'index.cjs'));
if (!hasNative) execSync('npm run build:native', { cwd: root, stdio: 'inherit' });
if (!hasDist) execSync('npm run build:ts', { cwd: root, stdio: 'inherit' });
