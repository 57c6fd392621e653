// Writes the public entry points over the one CommonJS bundle (run by `npm run build:ts` after
// tsup). dist/cachekit.cjs holds all of cachekit, one namespace per entry
// (src/package-entries.ts); for each entry this writes
//   dist/<entry>.cjs    what `require` loads: that namespace;
//   dist/<entry>.mjs    what `import` loads: the same namespace as named exports, after telling
//                       the bundle that the process imported cachekit (src/module-system.ts);
//   dist/<entry>.d.mts  the types of the .mjs: those of the .cjs (dist/<entry>.d.ts, from tsup).
// So `import` and `require` share one copy of the code and therefore one state per process.
// The names come from the built bundle itself, so an entry can never miss an export; the
// packaging tests compare both sides again.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const bundle = createRequire(import.meta.url)(path.join(dist, 'cachekit.cjs'));

/** Public entry (file name in dist/) → its namespace in the bundle. */
const ENTRIES = { index: 'root', native: 'native', keys: 'keys', testing: 'testing', otel: 'otel' };

const HEADER = '// Written by scripts/esm-entries.mjs: a face of the one bundle (./cachekit.cjs), so import and require share one state.';

for (const [entry, namespace] of Object.entries(ENTRIES)) {
  const names = Object.keys(bundle[namespace]).sort();
  if (names.length === 0) throw new Error(`namespace ${namespace} of dist/cachekit.cjs exports nothing`);
  const required = [HEADER, "'use strict';", `module.exports = require('./cachekit.cjs').${namespace};`, ''];
  const imported = [
    HEADER,
    // require, not `import bundle from`: importing a CommonJS file makes Node scan its whole
    // source for export names first, which costs more than loading it.
    "import { createRequire } from 'node:module';",
    '',
    "const bundle = createRequire(import.meta.url)('./cachekit.cjs');",
    'bundle.moduleSystem.noteLoadedThroughImport((specifier) => import.meta.resolve(specifier));',
    '',
    `export const { ${names.join(', ')} } = bundle.${namespace};`,
    '',
  ];
  writeFileSync(path.join(dist, `${entry}.cjs`), required.join('\n'));
  writeFileSync(path.join(dist, `${entry}.mjs`), imported.join('\n'));
  writeFileSync(path.join(dist, `${entry}.d.mts`), `export * from './${entry}.js';\n`);
}
