#!/usr/bin/env node
/** The `cachekit` executable (package.json `bin`): runs the CLI and exits with its code. */
import { runCli } from './main';

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
