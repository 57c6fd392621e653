/**
 * `cachekit verify [pattern]`: checks every entry as a read would (checksum, decode bounds, the
 * value's decoding, and decryption or the keyed tag when a master key is given) and reports the
 * ones that fail. `--delete-bad` removes them, each only if it still holds the bytes that failed.
 * Entries it cannot judge (no key at hand, another application's keys) are never removed.
 */
import { stringOption } from '../arguments';
import { entrySourceFor, resolveTarget } from '../backend-target';
import { EntryAnalyzer } from '../entries/analyze-entry';
import { loadKeyMaterial } from '../entries/key-material';
import { patternSelection } from '../entries/selection';
import type { ExitCode } from '../exit-codes';
import { entryJson, entryLines, entryTable } from '../output/entry-lines';
import { scanReports, type CommandContext } from './command-context';
import { finishScan } from './summary';
import { VerdictTally } from './verdict-tally';
import { withSource } from './with-source';

/** Verdicts worth a line of their own. */
const REPORTED = new Set(['bad', 'key-mismatch']);

/** Runs `verify`. */
export async function verify(context: CommandContext, pattern: string | undefined): Promise<ExitCode> {
  const { options, output, json } = context;
  const deleteBad = options['delete-bad'] === true;
  const keys = loadKeyMaterial(stringOption(options, 'master-key'), stringOption(options, 'tenant'), context.env);
  const source = entrySourceFor(resolveTarget(options, context.env));
  const tally = new VerdictTally();
  const startedAt = performance.now();
  let deleted = 0;
  let headerShown = false;
  await withSource(source, () =>
    scanReports(context, source, patternSelection(pattern), new EntryAnalyzer(keys, false), async (batch) => {
      for (const { report } of batch) {
        tally.add(report);
        if (!REPORTED.has(report.verdict)) continue;
        if (json) await output.json(entryJson(report, false));
        else {
          if (!headerShown) await output.line(entryTable.header());
          headerShown = true;
          for (const line of entryLines(report, false)) await output.line(line);
        }
      }
      const bad = batch.filter(({ report }) => report.verdict === 'bad').map(({ entry }) => entry);
      if (deleteBad && bad.length > 0) deleted += await source.removeUnchanged(bad);
    }),
  );
  if (!json && headerShown) await output.line('');
  const sentences = deleteBad ? [`Removed ${deleted} failing ${deleted === 1 ? 'entry' : 'entries'}.`] : tally.counts.bad > 0 ? ['Run again with --delete-bad to remove the failing entries.'] : [];
  return finishScan(context, 'verify', tally, keys !== undefined, startedAt, { fields: { deleted }, sentences });
}
