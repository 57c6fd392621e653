/**
 * The CLI over 100,000 entries the library wrote to a real redis-server: every entry is seen,
 * memory stays bounded (the CLI streams; it never holds the keys or values it has reported),
 * and the progress line appears on a terminal only. Timings and peak RSS are printed for the
 * record, never asserted (machines are noisy); memory is bounded against a baseline of the same
 * run: the same CLI over 1,000 entries of the same keyspace.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBackend } from '../../src/backends/redis/backend';
import { cache } from '../../src/cache';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server';
import { runCli, runCliInTerminal, summaryOf, type CliRun } from './support/run-cli';

const ENTRIES = 100_000;
const BASELINE_ENTRIES = 1_000;
/** Value size: random text, so LZ4 cannot shrink it and the stored bytes stay large. */
const VALUE_CHARS = 1024;

let server: RedisServerHandle;
let storedBytes = 0;
let writeMs = 0;

/** Writes `count` entries of function `name` through a real cache, a thousand calls at a time. */
async function writeEntries(backend: RedisBackend, name: string, count: number): Promise<void> {
  const blob = cache(async (i: number) => `${i}:${randomBytes((VALUE_CHARS * 3) / 4).toString('base64')}`, {
    backend,
    l1: false,
    module: 'scan',
    name,
    namespace: name,
    ttl: 3600,
    reliability: false,
  });
  for (let start = 0; start < count; start += 1000) {
    await Promise.all(Array.from({ length: Math.min(1000, count - start) }, (_, j) => blob(start + j)));
  }
  await blob.flush();
}

beforeAll(async () => {
  server = await startRedisServer();
  const backend = new RedisBackend({ url: server.url });
  const started = performance.now();
  await writeEntries(backend, 'bulk', ENTRIES);
  writeMs = performance.now() - started;
  await writeEntries(backend, 'small', BASELINE_ENTRIES);
  await backend.close();
  const redis = new Redis(server.url);
  expect(await redis.dbsize()).toBe(ENTRIES + BASELINE_ENTRIES);
  const info = await redis.info('memory');
  redis.disconnect();
  console.log(`[scan-100k] wrote ${ENTRIES} entries through cache() in ${(writeMs / 1000).toFixed(1)} s; ${/used_memory_human:(\S+)/.exec(info)?.[1]} in Redis`);
}, 600_000);

afterAll(async () => {
  await server?.stop();
});

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const record = (label: string, run: CliRun) => console.log(`[scan-100k] ${label}: ${(run.elapsedMs / 1000).toFixed(1)} s, peak RSS ${mib(run.peakRssBytes)}`);

/**
 * The CLI's JavaScript heap is capped well below the data it scans, so a CLI that kept what it
 * read would fail outright; and its peak RSS may grow over the same CLI's on 1,000 entries by
 * less than three quarters of the bytes scanned (holding them would take all of them, more).
 */
const HEAP_CAP = ['--max-old-space-size=48'];
const boundedGrowth = (run: CliRun, baseline: CliRun) => {
  expect(run.peakRssBytes).toBeGreaterThan(0);
  expect(run.peakRssBytes - baseline.peakRssBytes).toBeLessThan(storedBytes * 0.75);
};

describe('cachekit over 100,000 entries', () => {
  let baseline: CliRun;

  it('stats and verify see every entry, streaming: memory bounded against a 1,000-entry baseline', async () => {
    baseline = await runCli(['stats', '--redis', server.url, '--json', '--namespace', 'small'], { deadlineMs: 300_000, nodeArgs: HEAP_CAP });
    expect(summaryOf(baseline)).toMatchObject({ entries: BASELINE_ENTRIES, ok: BASELINE_ENTRIES });
    record('stats over 1,000 entries (baseline)', baseline);

    const stats = await runCli(['stats', '--redis', server.url, '--json'], { deadlineMs: 300_000, nodeArgs: HEAP_CAP });
    expect(stats.code).toBe(0);
    expect(summaryOf(stats)).toMatchObject({ entries: ENTRIES + BASELINE_ENTRIES, ok: ENTRIES + BASELINE_ENTRIES, bad: 0 });
    record('stats over 101,000 entries', stats);
    storedBytes = summaryOf(stats).storedBytes;
    expect(storedBytes).toBeGreaterThan(ENTRIES * VALUE_CHARS);
    boundedGrowth(stats, baseline);

    const verify = await runCli(['verify', '--redis', server.url, '--json'], { deadlineMs: 300_000, nodeArgs: HEAP_CAP });
    expect(verify.code).toBe(0);
    expect(summaryOf(verify)).toMatchObject({ entries: ENTRIES + BASELINE_ENTRIES, bad: 0 });
    record('verify over 101,000 entries', verify);
    boundedGrowth(verify, baseline);
  });

  it('inspect --json writes one line per entry, streamed', async () => {
    const run = await runCli(['inspect', '--redis', server.url, '--json'], { deadlineMs: 300_000, countLinesOnly: true, nodeArgs: HEAP_CAP });
    expect(run.code).toBe(0);
    expect(run.stdoutLines).toBe(ENTRIES + BASELINE_ENTRIES + 1);
    expect(JSON.parse(run.stdout.trim())).toMatchObject({ type: 'summary', entries: ENTRIES + BASELINE_ENTRIES });
    record('inspect --json over 101,000 entries', run);
    boundedGrowth(run, baseline);
  });

  it('shows progress on a terminal, and never on stderr in a pipe', async () => {
    // clear --dry-run walks the keys without reading values: the quickest long scan.
    const args = ['clear', '--redis', server.url, '--namespace', 'bulk', '--dry-run'];
    const piped = await runCli(args, { deadlineMs: 300_000 });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toContain(`Would remove ${ENTRIES} entries`);
    expect(piped.stderr).toBe('');
    const terminal = await runCliInTerminal(args, { deadlineMs: 300_000 });
    expect(terminal.code).toBe(0);
    expect(terminal.stdout).toMatch(/counting: [\d,]+ keys of ~101,000 \(\d+%\)/);
    expect(terminal.stdout).toContain(`Would remove ${ENTRIES} entries`);
    const quiet = await runCliInTerminal([...args, '--no-progress'], { deadlineMs: 300_000 });
    expect(quiet.stdout).not.toContain('counting:');
  });
});
