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

module.exports = { median, spread, ratioOf };
