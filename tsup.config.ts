import { defineConfig } from 'tsup';

/** The public entries (package.json `exports`), by output name. */
const publicEntries = {
  index: 'src/index.ts',
  native: 'src/native.ts',
  keys: 'src/key-functions.ts',
  testing: 'src/testing.ts',
  otel: 'src/otel.ts',
};

/**
 * The code is built once, as one CommonJS bundle (dist/cachekit.cjs, from
 * src/package-entries.ts); scripts/esm-entries.mjs then writes each public entry as a thin
 * file over it, for `require` (.cjs) and for `import` (.mjs). One copy of the code per process
 * means one state whichever way the package is loaded. (tsup's CommonJS code splitting would
 * also share code, but it rewrites `?.` and `??` into helper calls, on the hot path too.)
 * Types are built per public entry. The native binary (`cachekit.<platform>.node`, at the
 * package root or in its platform package) is required at run time by src/native-loader.ts,
 * so it is never bundled. No source maps: the output
 * is neither minified nor renamed, so stack traces already point at readable code, and maps
 * embedding src/ would triple the tarball.
 */
export default defineConfig([
  {
    entry: { cachekit: 'src/package-entries.ts' },
    format: ['cjs'],
    dts: false,
    sourcemap: false,
    clean: true,
    target: 'node20',
    platform: 'node',
    shims: true,
    splitting: false,
    outExtension: () => ({ js: '.cjs' }),
  },
  {
    entry: publicEntries,
    format: ['cjs'],
    dts: { only: true },
    clean: false,
    target: 'node20',
    platform: 'node',
  },
  {
    // The `cachekit` executable (package.json `bin`): a bundle of its own, since no app loads it
    // beside the library; minified, as nobody reads its stack traces in an app's logs.
    entry: { cli: 'src/cli/bin.ts' },
    format: ['cjs'],
    dts: false,
    sourcemap: false,
    clean: false,
    minify: true,
    target: 'node20',
    platform: 'node',
    shims: true,
    splitting: false,
    outExtension: () => ({ js: '.cjs' }),
  },
]);
