/**
 * Exit codes of the `cachekit` CLI, one meaning each, so scripts can branch on them. `health`
 * uses the first three as healthy / degraded / unhealthy.
 */
export const ExitCode = {
  /** Done; nothing wrong found (health: healthy). */
  OK: 0,
  /** Done, and something needs attention: entries failed their checks (health: degraded). */
  FINDINGS: 1,
  /** The backend could not be reached or used: connection refused, authentication, I/O (health: unhealthy). */
  UNAVAILABLE: 2,
  /** The command line or environment is wrong: unknown option, malformed URL or key, not a cache directory. */
  USAGE: 3,
  /** A master key was given, but it sealed none of the encrypted or keyed entries found. */
  WRONG_KEY: 4,
} as const;

/** One of the {@link ExitCode} values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the CLI reports as one message on stderr and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
