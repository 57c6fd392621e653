#!/usr/bin/env node
/** The `cachekit` executable (package.json `bin`): runs the CLI and exits with its code. */
import { runCli } from './main';

void runCli(process.argv.slice(2)).then((code) => {
  // Exit once stdout and stderr have taken everything: a Redis client that never connected
  // would otherwise hold the process for ioredis's disconnect timeout (2 s) after closing.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
});
