/**
 * A temporary directory where `import 'cachekit'` resolves as it does in a user's project:
 * `node_modules/cachekit` links to this repository, so Node's own resolution picks the built
 * package (`dist/`, through the package exports). Files run in real child processes, `.ts`
 * through tsx. `dist/` must be at least as new as `src/` (`npm test` builds it first; after
 * editing `src/`, run `npm run build:ts`), or the run would test stale code.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** How a child process ended. */
export interface SandboxRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** False when the process was still running at the deadline and had to be killed. */
  exitedByItself: boolean;
  /** Wall time of the run in milliseconds. */
  elapsedMs: number;
}

/** A sandbox directory; `remove()` deletes it. */
export interface PackageSandbox {
  readonly dir: string;
  /** Writes `text` to `name` inside the sandbox and returns its path. */
  write(name: string, text: string): string;
  /** Runs a file of the sandbox (`.ts` through tsx), killing it after `deadlineMs`. */
  run(file: string, options: { env?: Record<string, string>; deadlineMs: number }): Promise<SandboxRun>;
  remove(): void;
}

function newestModification(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestModification(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Throws unless dist/ was built after the last change to src/. */
export function assertDistIsFresh(): void {
  const built = statSync(path.join(ROOT, 'dist', 'index.mjs'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (built < newestModification(path.join(ROOT, 'src'))) {
    throw new Error('dist/ is older than src/: run `npm run build:ts` (npm test builds it first).');
  }
}

/** Creates a sandbox whose `cachekit` is this repository's package. */
export function createPackageSandbox(): PackageSandbox {
  const dir = mkdtempSync(path.join(tmpdir(), 'cachekit-sandbox-'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(ROOT, path.join(dir, 'node_modules', 'cachekit'), 'junction');
  // Top-level await in .ts files needs ES module semantics.
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'sandbox', private: true, type: 'module' }));
  return {
    dir,
    write(name, text) {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    run(file, { env = {}, deadlineMs }) {
      const args = file.endsWith('.ts') ? [TSX, file] : [file];
      const started = performance.now();
      const child = spawn(process.execPath, args, { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      let killed = false;
      const deadline = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, deadlineMs);
      return new Promise((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code, signal) => {
          clearTimeout(deadline);
          resolve({ code, signal, stdout, stderr, exitedByItself: !killed, elapsedMs: performance.now() - started });
        });
      });
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
