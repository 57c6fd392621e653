/**
 * How one entry report is printed: a table row plus indented detail lines for people, one JSON
 * object for scripts. Keys and messages come from stored data, so they are escaped (a planted
 * key cannot move the cursor or forge a line); key material is never among the fields.
 */
import { logSafeLine } from '../../observability/log-safe-text';
import type { EntryReport } from '../entries/entry-report';
import { jsonSafeValue, readableValue } from './render-value';
import { Table } from './table';
import { formatBytes, formatTtl } from './units';

/** Longest key shown (a stored key is at most 250 code points; a foreign one may be anything). */
const MAX_KEY_CHARS = 1024;

/** The table of entry rows. */
export const entryTable = new Table([
  { header: 'VERDICT', width: 12 },
  { header: 'FORMAT', width: 14 },
  { header: 'TTL', width: 8, align: 'right' },
  { header: 'STORED', width: 10, align: 'right' },
  { header: 'ORIGINAL', width: 10, align: 'right' },
  { header: 'KEY', width: 0 },
]);

/** The row of a report, then its detail lines (problem, key fingerprint, decoded value). */
export function entryLines(report: EntryReport, withValue: boolean): string[] {
  const row = entryTable.row([
    report.verdict,
    report.format,
    formatTtl(report.ttlSeconds),
    formatBytes(report.storedBytes),
    report.originalBytes === null ? '-' : formatBytes(report.originalBytes),
    report.key === null ? `file ${report.file ?? '?'}` : logSafeLine(report.key, MAX_KEY_CHARS),
  ]);
  const details: string[] = [];
  if (report.problem !== null) details.push(`! ${report.problem}`);
  if (report.keyFingerprint !== null) {
    const cipher = report.algorithm === null ? '' : `${report.algorithm}, `;
    details.push(`${cipher}key fingerprint ${report.keyFingerprint}${report.sealedWith === null ? '' : ` (${report.sealedWith} key)`}`);
  }
  if (withValue && report.value !== undefined) details.push(...readableValue(report.value).split('\n'));
  return [row, ...details.map((line) => `    ${line}`)];
}

/** The JSON object of a report (`type: "entry"`), the value JSON-safe when present. */
export function entryJson(report: EntryReport, withValue: boolean): object {
  const { value, ...fields } = report;
  return { type: 'entry', ...fields, ...(withValue && value !== undefined ? { value: jsonSafeValue(value) } : {}) };
}
