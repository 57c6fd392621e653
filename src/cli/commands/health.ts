/**
 * `cachekit health`: the library's own backend health check (Redis: PING, INFO and on a Cluster
 * its state; a file cache: a probe entry written, read and removed), bounded by `--timeout`.
 * Healthy (exit 0), degraded (exit 1: answers, but slowly or close to its memory limit), or
 * unhealthy (exit 2: does not answer correctly). Never shows keys, values or passwords.
 */
import type { Cluster, Redis } from 'ioredis';
import { FileBackend } from '../../backends/file/backend';
import { parseInfo } from '../../backends/redis/health';
import { RedisBackend } from '../../backends/redis/backend';
import type { BackendHealth, CacheBackend } from '../../backends/types';
import { ConfigurationError } from '../../errors';
import { boundedHealthCheck } from '../../reliability/bounded-health-check';
import { systemClock } from '../../reliability/clock';
import { integerOption } from '../arguments';
import { resolveTarget, type BackendTarget } from '../backend-target';
import { DirectoryEntrySource } from '../entries/directory-source';
import { CliError, ExitCode } from '../exit-codes';
import { connectRedis } from '../redis-connection';
import type { CommandContext } from './command-context';

/** Share of Redis `maxmemory` in use from which evictions are near: degraded. */
const MEMORY_PRESSURE = 0.9;

/** The three answers, with their exit codes. */
const STATUS_EXIT = { healthy: ExitCode.OK, degraded: ExitCode.FINDINGS, unhealthy: ExitCode.UNAVAILABLE } as const;
type Status = keyof typeof STATUS_EXIT;

/** Runs `health`. */
export async function health(context: CommandContext): Promise<ExitCode> {
  const { options, output } = context;
  const timeoutMs = integerOption(options, 'timeout', 5000, 1);
  const degradedMs = integerOption(options, 'degraded-ms', 100, 0);
  const target = resolveTarget(options, context.env);
  const { status, reasons, check, description } = await checkTarget(target, timeoutMs, degradedMs);
  if (context.json) {
    await output.json({ type: 'health', status, backend: description, reasons, ok: check.ok, latencyMs: check.latencyMs, backendType: check.backendType, details: check.details });
  } else {
    const latency = check.latencyMs >= 0 ? `, answered in ${check.latencyMs} ms` : '';
    await output.line(`${status}: ${description}${latency}`);
    for (const reason of reasons) await output.line(`  - ${reason}`);
  }
  return STATUS_EXIT[status];
}

async function checkTarget(target: BackendTarget, timeoutMs: number, degradedMs: number) {
  const redis = target.kind === 'redis' ? connectRedis(target) : undefined;
  const description = redis?.description ?? `the file cache ${(target as { directory: string }).directory}`;
  let backend: CacheBackend;
  try {
    backend = redis?.backend ?? (await fileBackendFor((target as { directory: string }).directory));
  } catch (error) {
    // An unusable directory (missing, not a cache, open to other users) is an unhealthy cache.
    if (!(error instanceof CliError || error instanceof ConfigurationError)) throw error;
    return { status: 'unhealthy' as Status, reasons: [error.message], check: { ok: false, latencyMs: -1, backendType: 'file', details: {} } as BackendHealth, description };
  }
  try {
    const check = await boundedHealthCheck(backend, systemClock, timeoutMs, () => 'none');
    delete check.details.circuitState;
    if (!check.ok) {
      const error = String(check.details.error ?? 'the check failed');
      return { status: 'unhealthy' as Status, reasons: [redis?.explain(error) ?? error], check, description };
    }
    const reasons: string[] = [];
    if (check.latencyMs > degradedMs) reasons.push(`answered in ${check.latencyMs} ms, slower than --degraded-ms ${degradedMs}`);
    if (redis !== undefined) reasons.push(...(await memoryPressure(redis.backend)));
    return { status: (reasons.length > 0 ? 'degraded' : 'healthy') as Status, reasons, check, description };
  } finally {
    await backend.close?.();
  }
}

/**
 * The library's file backend, once the directory is known to be a cache (the check writes a
 * probe entry into it), with limits no directory reaches, so the check never evicts what the
 * application's own limits keep.
 */
async function fileBackendFor(directory: string): Promise<CacheBackend> {
  await new DirectoryEntrySource(directory).open();
  return new FileBackend({ directory, maxSizeBytes: Number.MAX_SAFE_INTEGER, maxEntries: Number.MAX_SAFE_INTEGER });
}

/** Masters using at least 90 % of their `maxmemory`: evictions are near. */
async function memoryPressure(backend: RedisBackend): Promise<string[]> {
  const client = backend.client;
  const nodes = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
  const reasons: string[] = [];
  for (const node of nodes) {
    const info = parseInfo(await node.info('memory'));
    const used = Number(info.get('used_memory'));
    const max = Number(info.get('maxmemory'));
    if (max > 0 && used >= MEMORY_PRESSURE * max) {
      const where = client.isCluster ? ` (${node.options.host}:${node.options.port})` : '';
      reasons.push(`uses ${Math.round((100 * used) / max)}% of its maxmemory${where}: evictions are near`);
    }
  }
  return reasons;
}
