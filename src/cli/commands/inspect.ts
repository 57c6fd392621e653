/**
 * `cachekit inspect [pattern]`: every entry whose stored key matches, with its key parts, TTL,
 * sizes, format, checksum verdict and (for sealed and keyed entries) key fingerprint; with
 * `--decode`, its value.
 */
import { integerOption, stringOption } from '../arguments';
import { entrySourceFor, resolveTarget } from '../backend-target';
import { EntryAnalyzer } from '../entries/analyze-entry';
import { loadKeyMaterial } from '../entries/key-material';
import { patternSelection } from '../entries/selection';
import type { ExitCode } from '../exit-codes';
import { entryJson, entryLines, entryTable } from '../output/entry-lines';
import { scanReports, StopScan, type CommandContext } from './command-context';
import { finishScan } from './summary';
import { VerdictTally } from './verdict-tally';
import { withSource } from './with-source';

/** Runs `inspect`. */
export async function inspect(context: CommandContext, pattern: string | undefined): Promise<ExitCode> {
  const { options, output, json } = context;
  const decode = options.decode === true;
  const limit = integerOption(options, 'limit', Number.MAX_SAFE_INTEGER, 1);
  const keys = loadKeyMaterial(stringOption(options, 'master-key'), stringOption(options, 'tenant'), context.env);
  const source = entrySourceFor(resolveTarget(options, context.env));
  const tally = new VerdictTally();
  const startedAt = performance.now();
  await withSource(source, async () => {
    if (!json) await output.line(entryTable.header());
    await scanReports(context, source, patternSelection(pattern), new EntryAnalyzer(keys, decode), async (batch) => {
      for (const { report } of batch) {
        tally.add(report);
        if (json) await output.json(entryJson(report, decode));
        else for (const line of entryLines(report, decode)) await output.line(line);
        if (tally.entries >= limit) throw new StopScan();
      }
    });
  });
  if (!json) await output.line('');
  return finishScan(context, 'inspect', tally, keys !== undefined, startedAt);
}
