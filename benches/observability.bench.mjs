// What observability costs on an L1 hit, against the same hit without it, in the same process:
// interleaved rounds, each timing a batch of hits with the feature off and then on (metrics
// registered, and scraped once per round outside the timed batches; a diagnostics_channel
// subscriber on cachekit:call; the OpenTelemetry bridge under an active span), and giving one
// ratio. Goal: metrics on ≤ 1.15× off. Reports, asserts nothing.
// Run: node benches/observability.bench.mjs
import dc from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Registry } from 'prom-client';
import { cache, registerMetrics } from 'cachekit';
import { instrumentCachekit } from 'cachekit/otel';

const require = createRequire(import.meta.url);
const { userPayload } = require('./lib/payload.js');
const { median } = require('./lib/rounds.js');

/** `median (p25–p75)` of `values`, two decimals: the middle half of the per-round ratios. */
function middleHalf(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.floor(q * (sorted.length - 1))].toFixed(2);
  return `${at(0.5)} (${at(0.25)}–${at(0.75)})`;
}

const ROUNDS = Number(process.env.OBS_ROUNDS ?? 200);
const BATCH = Number(process.env.OBS_BATCH ?? 2000);
const value = userPayload(42);

const modes = {
  'default (fresh copy per hit)': cache(async function obsDefault(id) { return value; }, { backend: null, name: 'obsDefault', module: 'bench.obs' }),
  "l1.mode 'reference'": cache(async function obsReference(id) { return value; }, { backend: null, name: 'obsReference', module: 'bench.obs', l1: { mode: 'reference' } }),
};

async function batchUs(fn) {
  const started = performance.now();
  for (let i = 0; i < BATCH; i++) await fn(42);
  return ((performance.now() - started) * 1000) / BATCH;
}

/** `rounds` interleaved off/on pairs; `on()` switches the feature on and returns what switches it off. */
async function compare(fn, on, { inSpan = false } = {}) {
  const run = inSpan ? (f) => tracer.startActiveSpan('request', async (span) => { try { return await batchUs(f); } finally { span.end(); } }) : batchUs;
  for (let i = 0; i < 2000; i++) await fn(42);
  const offUs = [];
  const onUs = [];
  for (let round = 0; round < ROUNDS; round++) {
    offUs.push(await run(fn));
    const off = await on();
    onUs.push(await run(fn));
    await off();
  }
  const ratios = offUs.map((off, i) => onUs[i] / off);
  return { off: median(offUs), on: median(onUs), ratios };
}

const registry = new Registry();
const metricsOn = async () => {
  const metrics = registerMetrics({ registry });
  await registry.metrics();
  return () => metrics.unregister();
};
const subscriberOn = () => {
  const handlers = { start() {}, asyncEnd() {} };
  dc.tracingChannel('cachekit:call').subscribe(handlers);
  return () => dc.tracingChannel('cachekit:call').unsubscribe(handlers);
};
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const provider = new BasicTracerProvider({ spanProcessors: [new NoopSpanProcessor()] });
const tracer = provider.getTracer('bench');
const bridgeOn = () => instrumentCachekit({ tracerProvider: provider });

const rows = [];
for (const [mode, fn] of Object.entries(modes)) {
  for (const [feature, on, options] of [
    ['metrics registered (prom-client, scraped each round)', metricsOn, {}],
    ['a diagnostics_channel subscriber on cachekit:call', subscriberOn, {}],
    ['the OpenTelemetry bridge, inside an active span', bridgeOn, { inSpan: true }],
  ]) {
    const result = await compare(fn, on, options);
    rows.push(`| ${mode} | ${feature} | ${result.off.toFixed(3)} | ${result.on.toFixed(3)} | ${middleHalf(result.ratios)} |`);
    console.log(rows.at(-1));
  }
}

const report = [
  `### L1 hit with observability on ÷ off: ${ROUNDS} interleaved rounds of ${BATCH} awaited hits per side`,
  '',
  '| mode | feature on | off µs/hit | on µs/hit | on ÷ off per round, median (middle half) |',
  '| --- | --- | ---: | ---: | ---: |',
  ...rows,
  '',
  `Node ${process.version}, ${process.arch}; ${new Date().toISOString()}`,
  '',
].join('\n');
console.log(report);
writeFileSync(new URL('./results/observability.md', import.meta.url), report);
