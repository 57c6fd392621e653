/**
 * `serializer: 'arrow'` in real applications: an ES module app and a CommonJS app, each in its
 * own process, load the built package (dist/, built by `npm test` or `npm run build:ts`) and
 * apache-arrow the way their module system does. Each gets its own copy of apache-arrow (ESM
 * or CommonJS); the cache must store that copy's Tables and hand back Tables of that copy.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');

interface AppReport {
  runs: number;
  rows: unknown[];
  /** The cached Table is an instance of the app's own apache-arrow (not only via Symbol.hasInstance). */
  appsCopy: boolean;
  /** The app's own tableToIPC writes the cached Table back to a readable IPC file. */
  reEncodes: boolean;
}

// The same app in both module systems; only the two import lines differ.
const APP_BODY = `
let runs = 0;
const main = async () => {
  const loadScores = cache(
    async (n) => { runs++; return arrow.tableFromArrays({ id: Int32Array.from([n, n + 1]), score: Float64Array.from([0.5, 1.5]) }); },
    { backend: new MemoryBackend(), serializer: 'arrow', l1: false, name: 'loadScores', module: 'app' },
  );
  await loadScores(1);
  const cached = await loadScores(1);
  const again = arrow.tableFromIPC(arrow.tableToIPC(cached, 'file'));
  console.log(JSON.stringify({
    runs,
    rows: cached.toArray().map((row) => row.toJSON()),
    appsCopy: Object.getPrototypeOf(cached) === arrow.Table.prototype,
    reEncodes: again.numRows === 2,
  }));
};
`;

const ESM_IMPORTS = "import * as arrow from 'apache-arrow';\nimport { cache, createArrowSerializer, MemoryBackend } from 'cachekit';";

/** Runs the app as an ES module; `nodeFlags` go to node, `serializer` replaces `'arrow'` in the app. */
function runEsmApp(nodeFlags: string[] = [], serializer = "'arrow'"): string {
  const body = APP_BODY.replace("serializer: 'arrow'", `serializer: ${serializer}`);
  const source = `${ESM_IMPORTS}\n${body}\ntry { await main(); } catch (error) { console.log(JSON.stringify({ error: error.name + ': ' + error.message })); }`;
  return node([...nodeFlags, '--input-type=module', '-e', source]);
}

function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, CACHEKIT_LOG_LEVEL: 'error' } });
}

function runApp(kind: 'esm' | 'cjs'): AppReport {
  if (kind === 'esm') return JSON.parse(runEsmApp()) as AppReport;
  const source = `const arrow = require('apache-arrow');\nconst { cache, MemoryBackend } = require('cachekit');\n${APP_BODY}\nmain();`;
  return JSON.parse(node(['-e', source])) as AppReport;
}

const REQUIRE_ESM_OFF = '--no-experimental-require-module';

describe("serializer: 'arrow' with the app's own apache-arrow", () => {
  it.each(['esm', 'cjs'] as const)('a %s app caches Tables and gets Tables of its own copy back', (kind) => {
    expect(runApp(kind)).toEqual({
      runs: 1,
      rows: [
        { id: 1, score: 0.5 },
        { id: 2, score: 1.5 },
      ],
      appsCopy: true,
      reEncodes: true,
    });
  });

  // Stands in for Node 20.0–20.18, which cannot require() an ES module; runs where the flag exists.
  it.runIf(process.allowedNodeEnvironmentFlags.has(REQUIRE_ESM_OFF))(
    'an ESM app on a Node that cannot require() ES modules is refused at wrap time, and createArrowSerializer(arrow) still caches',
    () => {
      const refused = JSON.parse(runEsmApp([REQUIRE_ESM_OFF])) as { error: string };
      expect(refused.error).toMatch(/^ConfigurationError: serializer "arrow" in an ES module app/);
      expect(refused.error).toContain('Fix: pass `serializer: createArrowSerializer(arrow)`');
      expect(JSON.parse(runEsmApp([REQUIRE_ESM_OFF], 'createArrowSerializer(arrow)'))).toMatchObject({ runs: 1, appsCopy: true, reEncodes: true });
    },
  );
});
