/**
 * Runs the built `cachekit` executable (dist/cli.cjs, as `npx cachekit` runs it) as a child
 * process: piped (as in a script), or inside a pseudo-terminal made by util-linux `script` (as
 * at an operator's terminal). dist/ must be built from the current sources (checked once).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { assertDistIsFresh } from '../../support/package-sandbox';

const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.cjs');

/** How a run ended. */
export interface CliRun {
  readonly code: number | null;
  /** Everything printed, unless `countLinesOnly`: then only the last line. */
  readonly stdout: string;
  /** Lines printed to stdout. */
  readonly stdoutLines: number;
  readonly stderr: string;
  /** Highest resident set size seen while it ran (VmHWM), bytes. */
  readonly peakRssBytes: number;
  readonly elapsedMs: number;
}

/** Options of a run. */
export interface CliRunOptions {
  /** Environment added to a clean one (no CACHEKIT_* or REDIS_URL from the test process). */
  readonly env?: Record<string, string>;
  /** Written to stdin, then closed. */
  readonly input?: string;
  readonly deadlineMs?: number;
  /** Options for node itself, before the script (e.g. `--max-old-space-size=48`). */
  readonly nodeArgs?: readonly string[];
  /** Count stdout's lines instead of keeping them (for runs that print a line per entry of many). */
  readonly countLinesOnly?: boolean;
}

let checked = false;

/** An environment without the backend and key variables of the test process. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('CACHEKIT_') && name !== 'REDIS_URL') env[name] = value;
  }
  return { ...env, ...extra };
}

/** `node dist/cli.cjs ...args`, stdin/stdout/stderr piped. */
export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  if (!checked) {
    assertDistIsFresh();
    checked = true;
  }
  return run(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], options);
}

/**
 * The CLI inside a pseudo-terminal: stdin, stdout and stderr are all the terminal, as for an
 * operator. `script` merges them into its own stdout.
 */
export function runCliInTerminal(args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  if (!checked) {
    assertDistIsFresh();
    checked = true;
  }
  const command = [process.execPath, CLI, ...args].map(shellQuote).join(' ');
  return run('script', ['--quiet', '--return', '--command', command, '/dev/null'], options);
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

function run(file: string, args: readonly string[], options: CliRunOptions): Promise<CliRun> {
  const started = performance.now();
  const child = spawn(file, args, { env: cleanEnv(options.env ?? {}), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let stdoutLines = 0;
  let peakRssBytes = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    stdoutLines += text.split('\n').length - 1;
    // Keep only the unfinished tail and the last complete line when counting.
    stdout = options.countLinesOnly === true ? (stdout + text).split('\n').slice(-2).join('\n') : stdout + text;
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  if (options.input !== undefined) child.stdin.write(options.input);
  child.stdin.end();
  const sample = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, peakRssOf(child.pid));
  }, 50);
  const deadline = setTimeout(() => child.kill('SIGKILL'), options.deadlineMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sample);
      clearTimeout(deadline);
      resolve({ code, stdout, stdoutLines, stderr, peakRssBytes, elapsedMs: performance.now() - started });
    });
  });
}

/** VmHWM of a process (its peak RSS so far), 0 when it is gone. Under `script`, the CLI is a child: not sampled. */
function peakRssOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? 0 : Number(match[1]) * 1024;
  } catch {
    return 0;
  }
}

/** The JSON lines of a `--json` run, parsed. */
export function jsonLines(run: CliRun): Array<Record<string, any>> {
  return run.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, any>);
}

/** The `type: "entry"` lines of a `--json` run, by key (or file name). */
export function entriesByKey(run: CliRun): Map<string, Record<string, any>> {
  return new Map(jsonLines(run).filter((line) => line.type === 'entry').map((line) => [line.key ?? line.file, line]));
}

/** The `type: "summary"` line of a `--json` run. */
export function summaryOf(run: CliRun): Record<string, any> {
  const summary = jsonLines(run).find((line) => line.type === 'summary');
  if (summary === undefined) throw new Error(`no summary line in:\n${run.stdout}\n${run.stderr}`);
  return summary;
}
