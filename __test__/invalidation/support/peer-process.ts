/**
 * Drives a `peer.ts` child process: one command line at a time, each answered by one line.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** A running peer. */
export class PeerProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: Array<(line: string) => void> = [];
  private readonly unread: string[] = [];
  private stderr = '';
  readonly exited: Promise<number | string>;

  /** `script`: the peer program (default `peer.ts` beside this file), started with `redisUrl namespace [invalidation]`. */
  constructor(redisUrl: string, namespace: string, invalidation?: unknown, script = path.join(__dirname, 'peer.ts')) {
    const args = ['--import', 'tsx', script, redisUrl, namespace];
    if (invalidation !== undefined) args.push(JSON.stringify(invalidation));
    this.child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, CACHEKIT_LOG_LEVEL: 'silent' } });
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const waiter = this.waiting.shift();
      if (waiter !== undefined) waiter(line);
      else this.unread.push(line);
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
    void this.exited.then(() => {
      for (const waiter of this.waiting.splice(0)) waiter(`exited: ${this.stderr}`);
    });
  }

  /** Sends `command` and resolves with its answer line. */
  ask(command: string): Promise<string> {
    this.child.stdin.write(`${command}\n`);
    const ready = this.unread.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Reads `id`: the value, whether the function ran for it, whether L1 answered. */
  async read(id: number): Promise<{ value: string; ran: boolean; l1: boolean }> {
    const line = await this.ask(`read ${id}`);
    const [, , value, ran, l1] = line.split(' ');
    if (value === undefined) throw new Error(`unexpected answer: ${line}`);
    return { value, ran: ran === '1', l1: l1 === '1' };
  }

  /** Closes the peer's backend and waits for it to exit. */
  async quit(): Promise<number | string> {
    this.child.stdin.write('quit\n');
    this.child.stdin.end();
    return this.exited;
  }

  /** Kills the peer (test teardown after a failure). */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
