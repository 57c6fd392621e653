'use strict';
/**
 * Interleaved rounds: on a shared machine the speed can change between two cases measured one
 * after another, so a goal is measured as many short rounds, each timing the baseline and the
 * candidate back to back and giving one ratio; the median and range of the ratios are reported.
 */

/** Median of `values`. */
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** `median (min–max)` of `values`, two decimals. */
const spread = (values) => `${median(values).toFixed(2)} (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`;

/** Ratio of the second row's p50 to the first's (rows as `runAsyncSuite` returns them). */
const ratioOf = (rows) => rows[1].p50Us / rows[0].p50Us;

/**
 * Fine interleaving for sequential asynchronous cases: `batches` rounds, each timing `batchSize`
 * calls of every case in turn (a round lasts a few milliseconds, so a change of machine speed
 * hits every case alike). Returns per case the median of its per-call batch times (µs), and
 * the ratio of each case's median to the first case's. A case's `settle`, if any, is awaited at
 * the end of each of its batches, inside the timing (work a call leaves in the background is
 * then counted in the batch that left it).
 * @param {{ name: string, fn: () => Promise<unknown>, settle?: () => Promise<unknown> }[]} cases
 * @param {{ batches?: number, batchSize?: number, warmup?: number }} [options]
 */
async function interleavedBatches(cases, options = {}) {
  const batches = options.batches ?? 1000;
  const batchSize = options.batchSize ?? 25;
  for (const c of cases) for (let i = 0; i < (options.warmup ?? 500); i++) await c.fn();
  const times = cases.map(() => []);
  for (let round = 0; round < batches; round++) {
    for (let index = 0; index < cases.length; index++) {
      const { fn, settle } = cases[index];
      const started = performance.now();
      for (let i = 0; i < batchSize; i++) await fn();
      if (settle !== undefined) await settle();
      times[index].push(((performance.now() - started) * 1000) / batchSize);
    }
  }
  const medians = times.map(median);
  return cases.map((c, index) => ({ name: c.name, medianUs: medians[index], ratio: medians[index] / medians[0] }));
}

module.exports = { median, spread, ratioOf, interleavedBatches };
