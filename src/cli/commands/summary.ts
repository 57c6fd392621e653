/** The closing summary of the reading commands: a JSON line or a sentence, and the wrong-key warning on stderr. */
import type { ExitCode } from '../exit-codes';
import { formatBytes, formatElapsed } from '../output/units';
import type { CommandContext } from './command-context';
import { VerdictTally, wrongKeyMessage } from './verdict-tally';

/** Prints the summary of `tally` (plus `extra` fields and sentences) and returns the exit code it calls for. */
export async function finishScan(
  context: CommandContext,
  command: string,
  tally: VerdictTally,
  keyGiven: boolean,
  startedAt: number,
  extra: { fields?: Record<string, unknown>; sentences?: string[] } = {},
): Promise<ExitCode> {
  const elapsedMs = Math.round(performance.now() - startedAt);
  const wrongKey = tally.wrongKey(keyGiven);
  if (context.json) {
    await context.output.json({ type: 'summary', command, ...tally.toJSON(), ...extra.fields, wrongKey, elapsedMs });
  } else {
    await context.output.line(`${tally.describe(formatBytes)} in ${formatElapsed(elapsedMs)}.`);
    for (const sentence of extra.sentences ?? []) await context.output.line(sentence);
  }
  if (wrongKey) process.stderr.write(`cachekit: ${wrongKeyMessage(tally)}\n`);
  return tally.exitCode(keyGiven);
}
