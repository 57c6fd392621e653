/**
 * Runs the reliability fault scenarios (the same ones `__test__/faults/scenarios.test.ts`
 * asserts) and writes their figures to `docs/reliability-results.md`.
 *
 *   node --import tsx scripts/faults.ts          all scenarios, writes the document
 *   node --import tsx scripts/faults.ts 2 6b     only these (prints, does not write)
 *
 * When README.md holds the markers `<!-- reliability-results:start -->` and
 * `<!-- reliability-results:end -->`, a full run also puts the summary table between them.
 * Exits with 1 when any check fails.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SCENARIOS } from '../__test__/faults/scenarios';
import { renderResults, renderSummaryTable } from '../__test__/faults/scenarios/markdown';
import { describeCheck, passes, type ScenarioReport } from '../__test__/faults/scenarios/report';

const OUTPUT = path.join(__dirname, '..', 'docs', 'reliability-results.md');
const README = path.join(__dirname, '..', 'README.md');
const START_MARKER = '<!-- reliability-results:start -->';
const END_MARKER = '<!-- reliability-results:end -->';

/** Puts `table` between the README's markers; false when the README has none. */
function updateReadme(table: string): boolean {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(START_MARKER);
  const end = text.indexOf(END_MARKER);
  if (start < 0 || end < start) return false;
  writeFileSync(README, `${text.slice(0, start + START_MARKER.length)}\n${table}\n${text.slice(end)}`);
  return true;
}

function redisVersion(): string {
  try {
    const text = execFileSync('redis-server', ['--version'], { encoding: 'utf8' });
    return `redis-server ${/v=(\S+)/.exec(text)?.[1] ?? 'unknown'}`;
  } catch {
    return 'redis-server (version unknown)';
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const selected = only.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => only.includes(s.id));
  if (selected.length === 0) throw new Error(`no scenario matches ${only.join(' ')}; ids: ${SCENARIOS.map((s) => s.id).join(' ')}`);
  // Scenario children (redis-server) are unref'ed; keep this process up until the work is done.
  const keepAlive = setInterval(() => undefined, 1_000);
  const startedAt = new Date();
  const reports: ScenarioReport[] = [];
  let failures = 0;
  try {
    for (const scenario of selected) {
      process.stdout.write(`${scenario.id}. ${scenario.name} … `);
      const began = performance.now();
      const report = await scenario.run();
      reports.push(report);
      const failed = report.checks.filter((c) => !passes(c));
      failures += failed.length;
      process.stdout.write(`${failed.length === 0 ? 'pass' : 'FAIL'} (${((performance.now() - began) / 1000).toFixed(1)} s)\n`);
      for (const c of failed) process.stdout.write(`   FAIL ${describeCheck(c)}\n`);
      for (const c of report.goals.filter((g) => !passes(g))) process.stdout.write(`   goal missed: ${describeCheck(c)}\n`);
    }
  } finally {
    clearInterval(keepAlive);
  }
  const cpus = os.cpus();
  const markdown = renderResults(reports, {
    startedAt,
    node: `Node ${process.version}`,
    redis: redisVersion(),
    machine: `${cpus.length} CPU cores (${cpus[0]?.model.trim() ?? 'unknown'}), load average ${os.loadavg()[0]?.toFixed(1)} at the start`,
    command: 'npm run faults',
  });
  if (only.length === 0) {
    writeFileSync(OUTPUT, `${markdown}\n`);
    process.stdout.write(`wrote ${path.relative(process.cwd(), OUTPUT)}\n`);
    const table = [...renderSummaryTable(reports), '', `Details: [docs/reliability-results.md](docs/reliability-results.md) (\`npm run faults\`).`].join('\n');
    if (updateReadme(table)) process.stdout.write(`updated the reliability table in ${path.relative(process.cwd(), README)}\n`);
  } else {
    process.stdout.write(`\n${markdown}\n`);
  }
  process.exitCode = failures === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exitCode = 1;
});
