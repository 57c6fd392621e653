/**
 * Node built-ins that cost start-up time, loaded on their first use instead of when cachekit
 * loads: `node:crypto` (about 3 ms of a fresh process's CPU, with the streams it pulls in) and
 * `node:fs/promises` (about 1 ms). A bundler hoists every `import` of a built-in to the top of
 * the bundle, so modules that need them only at run time (the file backend, lock tokens, the
 * bus's instance id) reach them through these accessors. Measured in benches/startup.bench.mjs.
 */
import { createRequire } from 'node:module';
import type * as NodeCrypto from 'node:crypto';
import type * as NodeFsPromises from 'node:fs/promises';

const requireBuiltin = createRequire(import.meta.url);
let crypto: typeof NodeCrypto | undefined;
let fsPromises: typeof NodeFsPromises | undefined;

/** `node:crypto`, loaded on first use. */
export function nodeCrypto(): typeof NodeCrypto {
  return (crypto ??= requireBuiltin('node:crypto') as typeof NodeCrypto);
}

/** `node:fs/promises`, loaded on first use. */
export function nodeFsPromises(): typeof NodeFsPromises {
  return (fsPromises ??= requireBuiltin('node:fs/promises') as typeof NodeFsPromises);
}
