/**
 * Runs a peer program's `main`: a failure is written to stderr and exits with code 1, which the
 * driving test sees as the answer `exited: …` (see peer-process.ts).
 */
export function runPeer(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
    process.exit(1);
  });
}
