'use strict';
/**
 * benchmark.js for synchronous calls: runs each case, then reports its mean time per call,
 * its throughput for a given payload size, and its ratio against the suite's baseline — all
 * in the same process, so machine noise affects every case alike.
 */
const Benchmark = require('benchmark');

/**
 * @param {string} title
 * @param {{ name: string, fn: () => unknown, baseline?: boolean }[]} cases
 * @param {{ bytes?: number, maxTime?: number }} [options]
 * @returns {{ suite: string, name: string, us: number, mbPerSec: number | undefined, rme: number, ratio: number }[]}
 */
function runSyncSuite(title, cases, options = {}) {
  const suite = new Benchmark.Suite(title);
  for (const c of cases) suite.add(c.name, c.fn, { maxTime: options.maxTime ?? 1.5, minSamples: 20 });
  let failure;
  suite.on('error', (event) => {
    failure = event.target.error;
  });
  suite.run({ async: false });
  if (failure) throw failure;
  const rows = suite.map((bench) => ({
    suite: title,
    name: bench.name,
    us: bench.stats.mean * 1e6,
    mbPerSec: options.bytes ? options.bytes / bench.stats.mean / 1e6 : undefined,
    rme: bench.stats.rme,
  }));
  const base = rows[Math.max(0, cases.findIndex((c) => c.baseline))].us;
  return rows.map((row) => ({ ...row, ratio: row.us / base }));
}

/** Rows as a markdown table. */
function markdownTable(rows) {
  const lines = [
    '| suite | case | µs/call | MB/s | ± % | × baseline |',
    '| :--- | :--- | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const mb = row.mbPerSec === undefined ? '' : row.mbPerSec.toFixed(0);
    lines.push(
      `| ${row.suite} | ${row.name} | ${row.us.toFixed(row.us < 10 ? 3 : 1)} | ${mb} | ${row.rme.toFixed(1)} | ${row.ratio.toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}

module.exports = { runSyncSuite, markdownTable };
