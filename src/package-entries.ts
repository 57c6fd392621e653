/**
 * The one bundle behind every public entry point (built to dist/cachekit.cjs; never imported
 * by users). Each entry, `require` or `import`, is a thin file over one of these namespaces
 * (written by scripts/esm-entries.mjs), so a process holds one copy of cachekit however it
 * was loaded: one logger, one L1, one default backend, one set of error classes.
 */
export * as root from './index';
export * as native from './native';
export * as keys from './key-functions';
export * as testing from './testing';
export * as otel from './otel';
export * as moduleSystem from './module-system';
