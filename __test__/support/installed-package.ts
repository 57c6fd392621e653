/**
 * cachekit installed the way a user gets it: the release packages are staged
 * (scripts/stage-release.mjs: the main package with its exact-version platform packages) and
 * packed with `npm pack`, served with ioredis and its dependencies by a registry on loopback,
 * and installed with `npm install` into an empty project in a temp directory, with no Rust
 * toolchain on PATH. Only the host's platform package has a binary here (the freshly built
 * `.node`); the main package still lists every platform, as the published one does.
 *
 * Needs a built checkout (`npm run build`; `npm test` builds first).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startLocalRegistry, type LocalRegistry } from './local-registry';
import { assertDistIsFresh } from './package-sandbox';

const ROOT = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);
const requireFromRoot = createRequire(path.join(ROOT, 'package.json'));

/** The packed release and a registry serving it. */
export interface PackedRelease {
  readonly dir: string;
  readonly registry: LocalRegistry;
  /** Tarball of the main package. */
  readonly mainTarball: string;
  /** Tarball of the host's platform package. */
  readonly platformTarball: string;
  /** `cachekit-<platform>` of this host, and the version every package carries. */
  readonly platformPackage: string;
  readonly version: string;
  /** An environment for npm and node: the registry, a private cache, no Rust toolchain on PATH. */
  readonly env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** How a command ended. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** PATH without the directories that hold cargo or rustc: the installs must not need them. */
export function pathWithoutRust(pathValue = process.env.PATH ?? ''): string {
  return pathValue
    .split(path.delimiter)
    .filter((dir) => dir !== '' && !['cargo', 'rustc'].some((tool) => existsSync(path.join(dir, tool)) || existsSync(path.join(dir, `${tool}.exe`))))
    .join(path.delimiter);
}

/**
 * The environment of a user's shell: ours without npm's per-run variables (`npm test` sets
 * dozens of `npm_*`, and `npm_config_*` among them would change how the inner npm behaves).
 */
function userEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  return { ...env, PATH: pathWithoutRust(), CACHEKIT_LOG_LEVEL: 'error', ...extra };
}

/** Runs a command; never throws on a non-zero exit (the result says how it ended). */
export async function runCommand(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string; message: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr || failed.message };
  }
}

/** Packs ioredis and everything it depends on from this checkout's node_modules. */
function packIoredisTree(into: string): string[] {
  const seen = new Set<string>();
  const dirs: string[] = [];
  const visit = (name: string, from: string) => {
    const manifestPath = createRequire(from).resolve(`${name}/package.json`);
    if (seen.has(manifestPath)) return;
    seen.add(manifestPath);
    dirs.push(path.dirname(manifestPath));
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { dependencies?: Record<string, string> };
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep, manifestPath);
  };
  visit('ioredis', path.join(ROOT, 'package.json'));
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', into, ...dirs], { encoding: 'utf8' })) as Array<{ filename: string }>;
  return packed.map((p) => path.join(into, p.filename.replace(/^@/, '').replace('/', '-')));
}

/**
 * Stages the other platforms' packages with a placeholder in place of the binary they would
 * carry: npm resolves every optional platform package when it writes a lockfile (as it does
 * against the public registry), but never installs or loads one for another platform.
 */
function stagePlaceholders(stagedDir: string, version: string): string[] {
  const staged: string[] = [];
  for (const dir of readdirSync(path.join(ROOT, 'npm'))) {
    const target = path.join(stagedDir, dir);
    if (existsSync(target)) continue;
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'npm', dir, 'package.json'), 'utf8')) as { main: string };
    mkdirSync(target);
    writeFileSync(path.join(target, 'package.json'), JSON.stringify({ ...manifest, version }));
    writeFileSync(path.join(target, manifest.main), 'placeholder: this platform is never loaded in these tests\n');
    staged.push(target);
  }
  return staged;
}

/**
 * Stages, packs and serves the release. With `otherPlatforms`, the registry also serves the
 * other platforms' packages (placeholders, see stagePlaceholders).
 */
export async function packRelease(options: { otherPlatforms?: boolean } = {}): Promise<PackedRelease> {
  assertDistIsFresh();
  const dir = mkdtempSync(path.join(tmpdir(), 'cachekit-release-'));
  const stagedDir = path.join(dir, 'staged');
  const staged = execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'stage-release.mjs'), stagedDir, '--only-available'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .trim()
    .split('\n');
  const version = (JSON.parse(readFileSync(path.join(stagedDir, 'cachekit', 'package.json'), 'utf8')) as { version: string }).version;
  const placeholders = options.otherPlatforms === true ? stagePlaceholders(stagedDir, version) : [];
  const tarballs = path.join(dir, 'tarballs');
  mkdirSync(tarballs);
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tarballs, ...staged, ...placeholders], { encoding: 'utf8' }),
  ) as Array<{ name: string; version: string; filename: string }>;
  const main = packed.find((p) => p.name === 'cachekit');
  const platform = packed.find((p) => p.name !== 'cachekit' && staged.some((dir) => path.basename(dir) === p.name.replace(/^cachekit-/, '')));
  if (main === undefined || platform === undefined) throw new Error(`expected the main and the host's platform package, packed: ${packed.map((p) => p.name).join(', ')}`);
  const registry = await startLocalRegistry([...packed.map((p) => path.join(tarballs, p.filename)), ...packIoredisTree(tarballs)]);
  const env = userEnvironment({
    npm_config_registry: registry.url,
    npm_config_cache: path.join(dir, 'npm-cache'),
    npm_config_userconfig: path.join(dir, 'npmrc'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  });
  writeFileSync(path.join(dir, 'npmrc'), '');
  return {
    dir,
    registry,
    mainTarball: path.join(tarballs, main.filename),
    platformTarball: path.join(tarballs, platform.filename),
    platformPackage: platform.name,
    version: main.version,
    env,
    async close() {
      await registry.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An empty project (`package.json` only) in the release's temp directory. */
export function emptyProject(release: PackedRelease, name: string, type: 'module' | 'commonjs' = 'module'): string {
  const project = path.join(release.dir, name);
  mkdirSync(project);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, type }, null, 2));
  return project;
}

/** `npm install <args>` in a project, from the local registry. */
export function npmInstall(release: PackedRelease, project: string, args: string[]): Promise<CommandResult> {
  return runCommand('npm', ['install', '--no-audit', '--no-fund', ...args], { cwd: project, env: release.env });
}

/** Total size of the files under a directory, in bytes. */
export function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? directoryBytes(full) : statSync(full).size;
  }
  return total;
}

/** This checkout's TypeScript compiler, run with node. */
export const TSC = requireFromRoot.resolve('typescript/bin/tsc');
/** This checkout's @types (the temp projects have no TypeScript installed of their own). */
export const TYPE_ROOTS = path.join(ROOT, 'node_modules', '@types');
export { ROOT as REPOSITORY_ROOT };
