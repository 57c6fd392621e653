/**
 * What every command is given: its options, where results go, and the environment; and the scan
 * loop the reading commands share (source → analyzer → visitor, with progress on a terminal).
 */
import type { OptionValues } from '../arguments';
import { EntryAnalyzer } from '../entries/analyze-entry';
import type { EntrySource, StoredEntry } from '../entries/entry-source';
import type { EntryReport } from '../entries/entry-report';
import type { Selection } from '../entries/selection';
import type { OutputStream } from '../output/output-stream';
import { Progress } from '../output/progress';

/** The world a command runs in. */
export interface CommandContext {
  readonly options: OptionValues;
  readonly output: OutputStream;
  readonly env: NodeJS.ProcessEnv;
  /** Whether results are JSON lines. */
  readonly json: boolean;
  /** Whether someone at a terminal runs this (stdin and stdout are TTYs). */
  readonly interactive: boolean;
}

/** Thrown by a visitor to end a scan early (e.g. `--limit`). */
export class StopScan extends Error {}

/**
 * Scans `selection`, analysing each entry; `visit` gets each batch's entries with their reports.
 * Progress goes to stderr when it is a terminal, unless `--no-progress`.
 */
export async function scanReports(
  context: CommandContext,
  source: EntrySource,
  selection: Selection,
  analyzer: EntryAnalyzer,
  visit: (batch: Array<{ entry: StoredEntry; report: EntryReport }>) => Promise<void>,
): Promise<void> {
  const progress = new Progress('scanning', await source.estimateTotal(), context.options['no-progress'] !== true);
  try {
    await source.entries(selection, async (entries) => {
      progress.advance(entries.length);
      await visit(entries.map((entry) => ({ entry, report: analyzer.analyze(entry) })));
    });
  } catch (error) {
    if (!(error instanceof StopScan)) throw error;
  } finally {
    progress.finish();
  }
}
