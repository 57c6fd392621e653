/**
 * The official Python SDK for the live interop suite: a virtual environment with the pinned
 * `cachekit` from PyPI (`scripts/python-interop/requirements.txt`), and a runner for the
 * scripts beside that file (JSON in on stdin, JSON out on stdout).
 *
 * The environment lives in `node_modules/.cache/cachekit-python-interop/venv-{hash}`, where the
 * hash is that of the requirements file: already git-ignored, reused by every later run while
 * the pins are unchanged (so only the first run pays for `pip install`), and rebuilt when they
 * change. Set `CACHEKIT_INTEROP_VENV_DIR` to put it elsewhere and `CACHEKIT_INTEROP_PYTHON` to
 * build it from another interpreter than `python3`.
 *
 * A machine without Python or pip fails the suite with a message saying so: the interop suite
 * is part of the check, never silently skipped.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Folder of the Python scripts the suite runs. */
export const PYTHON_SCRIPTS_DIR = path.join(REPO_ROOT, 'scripts', 'python-interop');
const REQUIREMENTS = path.join(PYTHON_SCRIPTS_DIR, 'requirements.txt');
const CACHE_ROOT = path.join(REPO_ROOT, 'node_modules', '.cache', 'cachekit-python-interop');
const INSTALLED_MARKER = 'cachekit-interop-installed.json';

/** Generous: a cold pip install on a slow network; a warm run takes well under a second. */
const INSTALL_TIMEOUT_MS = 10 * 60_000;
const SCRIPT_TIMEOUT_MS = 60_000;

/** The ready environment. */
export interface PythonCachekit {
  /** The venv's interpreter. */
  readonly python: string;
  /** The installed `cachekit` version (the pinned one). */
  readonly version: string;
  /** The venv folder. */
  readonly venvDir: string;
  /** True when this call created the venv (false: reused). */
  readonly created: boolean;
  /** Milliseconds this call spent (creating or checking). */
  readonly setupMs: number;
}

/** One script run: its parsed stdout and, for diagnostics, its stderr. */
export interface PythonRun<T> {
  readonly output: T;
  readonly stderr: string;
}

/** The `cachekit` version pinned in the requirements file. */
export function pinnedCachekitVersion(): string {
  const match = /^cachekit==(\S+)\s*$/m.exec(readFileSync(REQUIREMENTS, 'utf8'));
  if (match === null) throw new Error(`${REQUIREMENTS} does not pin cachekit (expected a line "cachekit==X.Y.Z")`);
  return match[1]!;
}

let ready: Promise<PythonCachekit> | undefined;

/** Creates (once) or reuses the venv with the pinned SDK; memoised per process. */
export function ensurePythonCachekit(): Promise<PythonCachekit> {
  ready ??= prepare();
  return ready;
}

async function prepare(): Promise<PythonCachekit> {
  const started = Date.now();
  const requirements = readFileSync(REQUIREMENTS);
  const hash = createHash('sha256').update(requirements).digest('hex').slice(0, 12);
  const override = process.env.CACHEKIT_INTEROP_VENV_DIR;
  const venvDir = override ? path.resolve(override) : path.join(CACHE_ROOT, `venv-${hash}`);
  const version = pinnedCachekitVersion();

  if (await isInstalled(venvDir, hash, version)) {
    return { python: venvPython(venvDir), version, venvDir, created: false, setupMs: Date.now() - started };
  }
  await createVenv(venvDir, hash, version);
  if (!override) removeStaleVenvs(path.basename(venvDir));
  return { python: venvPython(venvDir), version, venvDir, created: true, setupMs: Date.now() - started };
}

function venvPython(venvDir: string): string {
  return process.platform === 'win32' ? path.join(venvDir, 'Scripts', 'python.exe') : path.join(venvDir, 'bin', 'python');
}

/** Installed = the marker of these pins is there and the interpreter really imports that version. */
async function isInstalled(venvDir: string, hash: string, version: string): Promise<boolean> {
  const marker = path.join(venvDir, INSTALLED_MARKER);
  if (!existsSync(marker)) return false;
  try {
    if ((JSON.parse(readFileSync(marker, 'utf8')) as { requirementsHash?: string }).requirementsHash !== hash) return false;
    return (await installedCachekitVersion(venvPython(venvDir))) === version;
  } catch {
    return false; // a broken venv (moved interpreter, partial delete) is rebuilt
  }
}

async function installedCachekitVersion(python: string): Promise<string> {
  const { stdout } = await execFileAsync(python, ['-c', 'import importlib.metadata as m; print(m.version("cachekit"))'], {
    timeout: SCRIPT_TIMEOUT_MS,
  });
  return stdout.trim();
}

/**
 * Builds the venv in a private folder and renames it into place, so concurrent test processes
 * never see a half-installed one; the loser of a rename race uses the winner's.
 */
async function createVenv(venvDir: string, hash: string, version: string): Promise<void> {
  const basePython = process.env.CACHEKIT_INTEROP_PYTHON ?? 'python3';
  await checkBasePython(basePython);
  mkdirSync(path.dirname(venvDir), { recursive: true });
  const building = `${venvDir}.building-${process.pid}-${Date.now()}`;
  try {
    await run(basePython, ['-m', 'venv', building], 'create the virtual environment (python3 -m venv)', 'On Debian/Ubuntu: apt-get install python3-venv.');
    await run(
      venvPython(building),
      ['-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', '--quiet', '-r', REQUIREMENTS],
      `pip install -r ${path.relative(REPO_ROOT, REQUIREMENTS)} (cachekit==${version} from PyPI)`,
      'PyPI must be reachable (pip honours PIP_INDEX_URL for a mirror).',
    );
    const installed = await installedCachekitVersion(venvPython(building));
    if (installed !== version) throw new Error(`pip installed cachekit ${installed}, but ${version} is pinned`);
    writeFileSync(path.join(building, INSTALLED_MARKER), JSON.stringify({ requirementsHash: hash, cachekit: version }));
    // Another process may have finished first: keep its venv (it may be running from it).
    if (await isInstalled(venvDir, hash, version)) return;
    rmSync(venvDir, { recursive: true, force: true }); // broken or half-deleted
    try {
      renameSync(building, venvDir);
    } catch (error) {
      if (!(await isInstalled(venvDir, hash, version))) throw error;
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
}

async function checkBasePython(basePython: string): Promise<void> {
  let versionText: string;
  try {
    const { stdout } = await execFileAsync(basePython, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { timeout: SCRIPT_TIMEOUT_MS });
    versionText = stdout.trim();
  } catch (error) {
    throw new Error(
      `The live interop suite needs Python ≥ 3.10 with venv and pip to install the official cachekit SDK, ` +
        `but running ${JSON.stringify(basePython)} failed (${(error as Error).message}). ` +
        'Fix: install python3 (with python3-venv), or set CACHEKIT_INTEROP_PYTHON to an interpreter.',
    );
  }
  const [major, minor] = versionText.split('.').map(Number);
  if (!(major === 3 && minor! >= 10)) {
    throw new Error(`The live interop suite needs Python ≥ 3.10 (cachekit's minimum); ${basePython} is ${versionText}. Fix: set CACHEKIT_INTEROP_PYTHON.`);
  }
}

async function run(command: string, args: string[], what: string, hint: string): Promise<void> {
  try {
    await execFileAsync(command, args, { timeout: INSTALL_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`The live interop suite could not ${what}: ${(error as Error).message}\n${stderr ?? ''}${stdout ?? ''}\n${hint}`);
  }
}

/** Removes venvs of earlier pins, so the cache folder does not grow with every pin change. */
function removeStaleVenvs(current: string): void {
  for (const name of readdirSync(CACHE_ROOT)) {
    if (name !== current && /^venv-[0-9a-f]{12}$/.test(name)) rmSync(path.join(CACHE_ROOT, name), { recursive: true, force: true });
  }
}

/** Environment variables a script must not inherit: they would reconfigure the SDK behind the test's back. */
function isInheritedCachekitSetting(name: string): boolean {
  return name.startsWith('CACHEKIT_') || name === 'REDIS_URL';
}

/**
 * Runs `scripts/python-interop/{script}` with the venv's interpreter: `input` as JSON on stdin,
 * the one JSON document it prints on stdout parsed as `T`. `env` is added to a copy of this
 * process's environment from which every `CACHEKIT_*` and `REDIS_URL` setting was removed.
 */
export async function runPython<T>(script: string, input: unknown, env: Readonly<Record<string, string>> = {}): Promise<PythonRun<T>> {
  const { python } = await ensurePythonCachekit();
  const scriptPath = path.join(PYTHON_SCRIPTS_DIR, script);
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!isInheritedCachekitSetting(name)) childEnv[name] = value;
  // No __pycache__ folders appear in the repository; UTF-8 whatever the machine's locale.
  Object.assign(childEnv, { PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8', PYTHONUTF8: '1' }, env);

  return new Promise((resolve, reject) => {
    const child = spawn(python, [scriptPath], { env: childEnv, stdio: ['pipe', 'pipe', 'pipe'], timeout: SCRIPT_TIMEOUT_MS });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const out = Buffer.concat(stdout).toString('utf8');
      const err = Buffer.concat(stderr).toString('utf8');
      if (code !== 0) {
        reject(new Error(`${script} exited with ${code ?? signal}.\nstderr:\n${err}\nstdout:\n${out}`));
        return;
      }
      try {
        resolve({ output: JSON.parse(out) as T, stderr: err });
      } catch (error) {
        reject(new Error(`${script} printed something other than one JSON document (${(error as Error).message}).\nstdout:\n${out}\nstderr:\n${err}`));
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}
