// The end of a bench's report: the machine line (Node, load average, time), printed and written
// to benches/results/<name>.md.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** `Node …, x64[, extra]; load average …; <ISO time>`: what a figure was measured on, and when. */
export function machineLine(extra) {
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  return `Node ${process.version}, ${process.arch}${extra ? `, ${extra}` : ''}; load average ${load}; ${new Date().toISOString()}`;
}

/** Prints `lines` followed by the machine line and writes them to `benches/results/<name>.md`. */
export function publishReport(name, lines, extra) {
  const report = [...lines, '', machineLine(extra)].join('\n');
  console.log(report);
  writeFileSync(new URL(`../results/${name}.md`, import.meta.url), `${report}\n`);
}
