/**
 * `cachekit stats [--namespace NS]`: per namespace, function and tenant, how many entries, how
 * big (a histogram of stored sizes), how many expire soon or never, and how many fail their
 * checks. Another application's keys are counted, not grouped.
 */
import { logSafeLine } from '../../observability/log-safe-text';
import { integerOption, stringOption } from '../arguments';
import { entrySourceFor, resolveTarget } from '../backend-target';
import { EntryAnalyzer } from '../entries/analyze-entry';
import { loadKeyMaterial } from '../entries/key-material';
import { partsSelection, patternSelection } from '../entries/selection';
import type { ExitCode } from '../exit-codes';
import { Table } from '../output/table';
import { formatBytes } from '../output/units';
import { scanReports, type CommandContext } from './command-context';
import { DIMENSIONS, SIZE_BUCKET_LABELS, StatsGroups, type GroupFigures } from './stats-groups';
import { finishScan } from './summary';
import { VerdictTally } from './verdict-tally';
import { withSource } from './with-source';

/** Default window of "expiring soon", seconds. */
const DEFAULT_SOON_SECONDS = 300;

/** Runs `stats`. */
export async function stats(context: CommandContext): Promise<ExitCode> {
  const { options, output, json } = context;
  const namespace = stringOption(options, 'namespace');
  const soon = integerOption(options, 'soon', DEFAULT_SOON_SECONDS, 1);
  const keys = loadKeyMaterial(stringOption(options, 'master-key'), stringOption(options, 'tenant'), context.env);
  const source = entrySourceFor(resolveTarget(options, context.env));
  const selection = namespace === undefined ? patternSelection('*') : partsSelection({ namespace });
  const groups = new StatsGroups(soon);
  const tally = new VerdictTally();
  const startedAt = performance.now();
  await withSource(source, () =>
    scanReports(context, source, selection, new EntryAnalyzer(keys, false), async (batch) => {
      for (const { report } of batch) {
        tally.add(report);
        if (report.verdict !== 'foreign') groups.add(report);
      }
    }),
  );
  for (const dimension of DIMENSIONS) {
    const rows = [...groups.groups[dimension]].sort(([, a], [, b]) => b.entries - a.entries);
    if (json) {
      for (const [name, figures] of rows) await output.json({ type: 'group', by: dimension, name, ...figuresJson(figures) });
    } else {
      await printSection(context, dimension, rows, soon);
    }
  }
  return finishScan(context, 'stats', tally, keys !== undefined, startedAt, { fields: { soonSeconds: soon } });
}

function figuresJson(figures: GroupFigures): Record<string, unknown> {
  const { histogram, ...counts } = figures;
  return { ...counts, histogram: Object.fromEntries(SIZE_BUCKET_LABELS.map((label, i) => [label, histogram[i]])) };
}

async function printSection(context: CommandContext, dimension: string, rows: Array<[string, GroupFigures]>, soon: number): Promise<void> {
  const table = new Table([
    { header: 'ENTRIES', width: 9, align: 'right' },
    { header: 'STORED', width: 10, align: 'right' },
    ...SIZE_BUCKET_LABELS.map((label) => ({ header: label, width: Math.max(6, label.length), align: 'right' as const })),
    { header: `<=${soon}s`, width: 7, align: 'right' },
    { header: 'NO-TTL', width: 7, align: 'right' },
    { header: 'FAILING', width: 7, align: 'right' },
    { header: 'UNCHECKED', width: 9, align: 'right' },
    { header: dimension.toUpperCase(), width: 0 },
  ]);
  await context.output.line(`By ${dimension}:`);
  await context.output.line(table.header());
  for (const [name, f] of rows) {
    const cells = [f.entries, formatBytes(f.storedBytes), ...f.histogram, f.expiringSoon, f.noExpiry, f.failing, f.unverified, logSafeLine(name, 200)];
    await context.output.line(table.row(cells.map(String)));
  }
  await context.output.line('');
}
