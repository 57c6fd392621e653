/**
 * Child processes of the fault scenarios: TypeScript scripts run with `node --import tsx`,
 * talking over stdin/stdout lines.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** The repository root (children run from there so `tsx` resolves). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');

/** A running child script. */
export interface ChildScript {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves with the first stdout line that `match` accepts (rejects if the child exits first). */
  line(match: (line: string) => boolean): Promise<string>;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or signal name) once the child has exited. */
  readonly exited: Promise<number | string>;
  /** Stdout lines seen so far. */
  readonly lines: string[];
}

/** Starts `script` (a path relative to this folder) with `args`. */
export function startChild(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildScript {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, script), ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: string[] = [];
  const waiters: Array<{ match: (line: string) => boolean; resolve: (line: string) => void }> = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.match(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    line: (match) => {
      const seen = lines.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        waiters.push({ match, resolve });
        void exited.then((code) => reject(new Error(`${script} exited (${code}) before the expected line; stderr: ${stderr}`)));
      });
    },
  };
}

/** A latency proxy in front of a Redis port. */
export interface LatencyProxy {
  readonly url: string;
  setDelay(ms: number): void;
  stop(): Promise<void>;
}

/** Starts `latency-proxy.ts` in front of `targetPort`. */
export async function startLatencyProxy(targetPort: number, delayMs: number): Promise<LatencyProxy> {
  const proxy = startChild('latency-proxy.ts', [String(targetPort), String(delayMs)]);
  const line = await proxy.line((l) => l.startsWith('port '));
  const port = Number(line.slice('port '.length));
  return {
    url: `redis://127.0.0.1:${port}`,
    setDelay: (ms) => proxy.child.stdin.write(`delay ${ms}\n`),
    stop: async () => {
      proxy.child.stdin.end();
      proxy.child.kill('SIGTERM');
      await proxy.exited;
    },
  };
}
