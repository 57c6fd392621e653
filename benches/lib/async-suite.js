'use strict';
/**
 * benchmark.js for asynchronous calls that take well under a microsecond: every benchmark
 * cycle awaits BATCH sequential calls, so benchmark.js's deferred overhead is amortised, and
 * the per-call figure is the cycle time divided by BATCH. Each case reports the median
 * (p50) and p99 of its samples and a ratio against the suite's baseline, all measured in
 * the same process so machine noise affects every case alike.
 */
const Benchmark = require('benchmark');

/**
 * @param {string} title
 * @param {{ name: string, fn: () => Promise<unknown>, baseline?: boolean }[]} cases
 * @param {{ batch?: number, minSamples?: number, maxTime?: number }} [options]
 * @returns {Promise<{ name: string, p50Us: number, p99Us: number, opsPerSec: number, ratio: number }[]>}
 */
function runAsyncSuite(title, cases, options = {}) {
  const batch = options.batch ?? 1000;
  return new Promise((resolve, reject) => {
    const suite = new Benchmark.Suite(title);
    for (const c of cases) {
      suite.add(c.name, {
        defer: true,
        minSamples: options.minSamples ?? 30,
        maxTime: options.maxTime ?? 3,
        fn: (deferred) => {
          (async () => {
            for (let i = 0; i < batch; i++) await c.fn();
          })().then(() => deferred.resolve(), reject);
        },
      });
    }
    suite.on('error', (event) => reject(event.target.error));
    suite.on('complete', function onComplete() {
      const rows = this.map((bench) => {
        const sample = [...bench.stats.sample].sort((a, b) => a - b);
        const at = (q) => sample[Math.min(sample.length - 1, Math.floor(q * sample.length))];
        return {
          name: bench.name,
          p50Us: (at(0.5) / batch) * 1e6,
          p99Us: (at(0.99) / batch) * 1e6,
          opsPerSec: bench.hz * batch,
        };
      });
      const baseIndex = Math.max(0, cases.findIndex((c) => c.baseline));
      const base = rows[baseIndex].p50Us;
      resolve(rows.map((row) => ({ ...row, ratio: row.p50Us / base })));
    });
    suite.run({ async: true });
  });
}

/** Markdown table of suite results. */
function toMarkdown(title, rows, baselineName) {
  const lines = [
    `### ${title}`,
    '',
    `| case | p50 µs/call | p99 µs/call | calls/s | × ${baselineName} |`,
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.name} | ${r.p50Us.toFixed(3)} | ${r.p99Us.toFixed(3)} | ${Math.round(r.opsPerSec).toLocaleString('en-US')} | ${r.ratio.toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}

module.exports = { runAsyncSuite, toMarkdown };
