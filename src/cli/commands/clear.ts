/**
 * `cachekit clear --namespace NS | --function FN | --tenant ID | --all`: removes the selected
 * entries with SCAN + UNLINK (never KEYS). Removing is what the operator asks for in so many
 * words: outside a terminal the default is a dry run (a count, nothing removed) unless `--yes`;
 * on a terminal the count comes first and then a question. Both passes stream, so the
 * confirmation never needs the keys held in memory; the second pass removes what matches then.
 */
import { createInterface } from 'node:readline/promises';
import { stringOption } from '../arguments';
import { entrySourceFor, resolveTarget } from '../backend-target';
import type { EntrySource } from '../entries/entry-source';
import { cachekitSelection, partsSelection, type Selection } from '../entries/selection';
import { CliError, ExitCode } from '../exit-codes';
import { Progress } from '../output/progress';
import type { CommandContext } from './command-context';
import { withSource } from './with-source';

/** Runs `clear`. */
export async function clear(context: CommandContext): Promise<ExitCode> {
  const { options, output, json } = context;
  const selection = clearSelection(context);
  const dryRun = options['dry-run'] === true || (options.yes !== true && !context.interactive);
  const source = entrySourceFor(resolveTarget(options, context.env));
  const result = await withSource(source, async () => {
    if (options.yes === true && !dryRun) return { matched: undefined, removed: await walk(context, source, selection, true) };
    const matched = await walk(context, source, selection, false);
    if (dryRun || matched === 0) return { matched, removed: 0 };
    const confirmed = await confirm(`Remove ${matched} ${matched === 1 ? 'entry' : 'entries'} (${selection.label}) from ${source.description}? [y/N] `);
    return { matched, removed: confirmed ? await walk(context, source, selection, true) : 0, declined: !confirmed };
  });
  if (json) {
    await output.json({ type: 'summary', command: 'clear', selection: selection.label, dryRun, ...result });
  } else if (dryRun) {
    await output.line(`Would remove ${result.matched} ${result.matched === 1 ? 'entry' : 'entries'} (${selection.label}); nothing was removed.`);
    if (options['dry-run'] !== true) await output.line('Dry run because this is not a terminal: pass --yes to remove them.');
  } else {
    await output.line(`Removed ${result.removed} ${result.removed === 1 ? 'entry' : 'entries'} (${selection.label}).`);
  }
  return ExitCode.OK;
}

/** What the flags select; exactly one kind of selection is required. */
function clearSelection(context: CommandContext): Selection {
  const { options } = context;
  const filter = { namespace: stringOption(options, 'namespace'), function: stringOption(options, 'function'), tenant: stringOption(options, 'tenant') };
  const byParts = Object.values(filter).some((value) => value !== undefined);
  if (options.all === true) {
    if (byParts) throw new CliError('--all already selects every entry: drop --namespace, --function and --tenant, or drop --all.', ExitCode.USAGE);
    return cachekitSelection();
  }
  if (!byParts) throw new CliError('Say what to clear: --namespace NS, --function FN, --tenant ID (combined, all must match), or --all.', ExitCode.USAGE);
  return partsSelection(filter);
}

/** Counts (and with `remove`, removes) the selected keys, batch by batch; returns the count. */
async function walk(context: CommandContext, source: EntrySource, selection: Selection, remove: boolean): Promise<number> {
  const progress = new Progress(remove ? 'removing' : 'counting', await source.estimateTotal(), context.options['no-progress'] !== true);
  let count = 0;
  try {
    await source.keys(selection, async (refs) => {
      progress.advance(refs.length);
      count += remove ? await source.remove(refs) : refs.length;
    });
  } finally {
    progress.finish();
  }
  return count;
}

/** Asks on the terminal; only `y` or `yes` confirms. */
async function confirm(question: string): Promise<boolean> {
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await terminal.question(question);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    terminal.close();
  }
}
