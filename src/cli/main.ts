/**
 * `npx cachekit`: the operator's tool to see, decode, verify and clear what a cachekit cache
 * holds. Results go to stdout (a table, or JSON lines with `--json`); errors and progress to
 * stderr; the exit code says how it went (see exit-codes.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError } from '../errors';
import { parseCommandLine, type CommandName } from './arguments';
import { clear } from './commands/clear';
import type { CommandContext } from './commands/command-context';
import { health } from './commands/health';
import { inspect } from './commands/inspect';
import { stats } from './commands/stats';
import { verify } from './commands/verify';
import { CliError, ExitCode } from './exit-codes';
import { OutputStream } from './output/output-stream';

const COMMANDS: Record<CommandName, (context: CommandContext, pattern: string | undefined) => Promise<ExitCode>> = {
  inspect,
  stats: (context) => stats(context),
  verify,
  clear: (context) => clear(context),
  health: (context) => health(context),
};

/** Runs the CLI on `argv` (without `node` and the script) and returns its exit code. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ExitCode> {
  try {
    const invocation = parseCommandLine(argv);
    if (invocation.kind === 'help') {
      process.stdout.write(`${invocation.text}\n`);
      return ExitCode.OK;
    }
    if (invocation.kind === 'version') {
      process.stdout.write(`${packageVersion()}\n`);
      return ExitCode.OK;
    }
    const context: CommandContext = {
      options: invocation.options,
      output: new OutputStream(),
      env,
      json: invocation.options.json === true,
      interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
    };
    return await COMMANDS[invocation.command](context, invocation.pattern);
  } catch (error) {
    const { message, exitCode } = explain(error);
    process.stderr.write(`cachekit: ${message}\n`);
    return exitCode;
  }
}

/** The message and exit code of a failure. */
function explain(error: unknown): { message: string; exitCode: ExitCode } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof ConfigurationError) return { message: error.message, exitCode: ExitCode.USAGE };
  // Anything else is a bug or an environment failure; say so with its stack for the report.
  return { message: error instanceof Error ? (error.stack ?? error.message) : String(error), exitCode: ExitCode.UNAVAILABLE };
}

/** This package's version: package.json sits above dist/ (the built CLI) and two above src/cli/. */
function packageVersion(): string {
  for (const candidate of [path.join(__dirname, '..', 'package.json'), path.join(__dirname, '..', '..', 'package.json')]) {
    try {
      return (JSON.parse(readFileSync(candidate, 'utf8')) as { version: string }).version;
    } catch {
      // try the next layout
    }
  }
  return 'unknown';
}
