/**
 * The `cachekit/otel` bridge with the real OpenTelemetry SDK (in-memory exporter, the
 * AsyncLocalStorage context manager) and the real ioredis instrumentation, against the suite's
 * redis-server: `cache.*` spans nest under the caller's span with the hit/miss outcome, spans
 * started inside the cached function nest under its run, and Redis commands the cache sends
 * are not counted twice (no ioredis span of their own by default; under the cache's L2 span
 * when asked for).
 */
import { createRequire } from 'node:module';
import { context, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { cache, RedisBackend } from '../../src';
import { instrumentCachekit } from '../../src/otel';
import { functionKey, tenantScopedKey } from '../../src/keys';
import { recordingLogger } from '../support/recording-logger';

const MODULE = 'otel';
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('app');
const contextManager = new AsyncLocalStorageContextManager();
// The ioredis instrumentation patches ioredis when it is required; the source under test
// imported it already, so require it once more through the hook.
const ioredisInstrumentation = new IORedisInstrumentation({ requireParentSpan: true });
ioredisInstrumentation.setTracerProvider(provider);
const { Redis } = createRequire(import.meta.url)('ioredis') as typeof import('ioredis');

let backend: RedisBackend;
let direct: InstanceType<typeof Redis>;
beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  backend = new RedisBackend({ url: inject('redisUrl') });
  direct = new Redis(inject('redisUrl'));
});
afterAll(async () => {
  await backend.close();
  direct.disconnect();
  ioredisInstrumentation.disable();
  context.disable();
});

const uninstall: Array<() => void> = [];
afterEach(() => {
  while (uninstall.length > 0) uninstall.pop()!();
  exporter.reset();
});

function install(options: Parameters<typeof instrumentCachekit>[0] = {}) {
  uninstall.push(instrumentCachekit({ tracerProvider: provider, ...options }));
}

let instances = 0;
const unique = (base: string) => `${base}${++instances}_${process.pid}`;

/** Runs `fn` inside an active span named `request` and returns that span. */
async function inRequest(fn: () => Promise<unknown>): Promise<Span> {
  return tracer.startActiveSpan('request', async (span) => {
    try {
      await fn();
    } finally {
      span.end();
    }
    return span;
  });
}

const spans = () => exporter.getFinishedSpans();
const named = (name: string) => spans().filter((s) => s.name === name);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const childrenOf = (span: ReadableSpan) => spans().filter((s) => parentOf(s) === span.spanContext().spanId);
/** Spans the ioredis instrumentation made (db.system redis, named after the command). */
const redisCommandSpans = () => spans().filter((s) => s.instrumentationScope.name.includes('ioredis'));

describe('cachekit/otel: spans', () => {
  it('a miss then a hit: cache.call spans under the caller, the miss with L2 read, function run and L2 write beneath it', async () => {
    install();
    const f = cache(async (id: number) => ({ id }), { backend, name: unique('nested'), module: MODULE });
    const request = await inRequest(async () => {
      await f(1);
      await f.flush();
      await f(1);
    });
    const calls = named('cache.call');
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(parentOf(call)).toBe(request.spanContext().spanId);
      expect(call.spanContext().traceId).toBe(request.spanContext().traceId);
    }
    const [miss, hit] = calls;
    expect(miss!.attributes).toMatchObject({ 'cache.hit': false, 'cache.outcome': 'miss', 'cache.namespace': 'default' });
    expect(hit!.attributes).toMatchObject({ 'cache.hit': true, 'cache.outcome': 'l1_hit', 'cache.tier': 'l1' });
    expect(childrenOf(miss!).map((s) => s.name).sort()).toEqual(['cache.function', 'cache.l2.get', 'cache.l2.set']);
    expect(childrenOf(hit!)).toEqual([]);
    expect(named('cache.l2.get')[0]!.attributes).toMatchObject({ 'cache.backend': 'redis', 'db.system': 'redis', 'cache.result': 'ok' });
    // Keys stay out of spans unless asked for.
    expect(JSON.stringify(spans().map((s) => s.attributes))).not.toContain('args:');
  });

  it('an L2 hit is a hit from tier l2; includeKeys puts the stored key on the call span', async () => {
    install({ includeKeys: true });
    const name = unique('l2hit');
    const writer = cache(async (id: number) => ({ id }), { backend, l1: false, name, module: MODULE });
    await writer(5);
    await writer.flush();
    exporter.reset();
    await inRequest(() => writer(5));
    const [call] = named('cache.call');
    expect(call!.attributes).toMatchObject({
      'cache.hit': true,
      'cache.outcome': 'l2_hit',
      'cache.tier': 'l2',
      'cache.key': tenantScopedKey('default', functionKey({ module: MODULE, name, args: [5] })),
    });
  });

  it('spans started inside the cached function nest under its cache.function span', async () => {
    install();
    const f = cache(
      async (id: number) => tracer.startActiveSpan('db.query', (span) => {
        span.end();
        return { id };
      }),
      { backend, name: unique('inner'), module: MODULE },
    );
    await inRequest(() => f(1));
    const [run] = named('cache.function');
    const [query] = named('db.query');
    expect(parentOf(query!)).toBe(run!.spanContext().spanId);
  });

  it('a function that throws: its span and the call span record the error', async () => {
    install();
    const f = cache(async (): Promise<number> => {
      throw new Error('upstream down');
    }, { backend, name: unique('throws'), module: MODULE });
    await inRequest(() => f().catch(() => undefined));
    const [run] = named('cache.function');
    const [call] = named('cache.call');
    expect(run!.status.code).toBe(2); // SpanStatusCode.ERROR
    expect(call!.status.code).toBe(2);
    expect(run!.events.map((e) => e.name)).toContain('exception');
  });

  it('no span without a parent span (requireParentSpan, the default), and every call spanned with false', async () => {
    install();
    const f = cache(async (id: number) => id, { backend: null, name: unique('orphan'), module: MODULE });
    await f(1);
    expect(spans()).toEqual([]);
    uninstall.pop()!();
    install({ requireParentSpan: false });
    await f(2);
    expect(named('cache.call')).toHaveLength(1);
  });

  it('after uninstalling, no span is made', async () => {
    install();
    uninstall.pop()!();
    const f = cache(async (id: number) => id, { backend, name: unique('off'), module: MODULE });
    await inRequest(async () => {
      await f(1);
      await f.flush();
    });
    expect(spans().filter((s) => s.name.startsWith('cache.'))).toEqual([]);
    // With nothing suppressing them any more, the cache's commands are traced by ioredis alone.
    expect(redisCommandSpans().map((s) => s.name).sort()).toEqual(['get', 'set']);
  });
});

describe('cachekit/otel: Redis commands are not counted twice', () => {
  it('control: a command the app sends itself gets its ioredis span', async () => {
    install();
    await inRequest(() => direct.get(`${MODULE}:control`));
    expect(redisCommandSpans().map((s) => s.name)).toEqual(['get']);
  });

  it('by default the commands the cache sends get no ioredis span: the cache.l2.* span stands for them', async () => {
    install();
    const f = cache(async (id: number) => ({ id }), { backend, name: unique('suppressed'), module: MODULE });
    await inRequest(async () => {
      await f(1);
      await f.flush();
    });
    expect(named('cache.l2.get')).toHaveLength(1);
    expect(named('cache.l2.set')).toHaveLength(1);
    expect(redisCommandSpans()).toEqual([]);
  });

  it('suppressBackendSpans: false keeps them, each under the cache.l2.* span that sent it', async () => {
    install({ suppressBackendSpans: false });
    const f = cache(async (id: number) => ({ id }), { backend, name: unique('kept'), module: MODULE });
    await inRequest(async () => {
      await f(1);
      await f.flush();
    });
    const commands = redisCommandSpans();
    expect(commands.length).toBeGreaterThanOrEqual(2);
    const l2SpanIds = new Set(spans().filter((s) => s.name.startsWith('cache.l2.')).map((s) => s.spanContext().spanId));
    for (const command of commands) expect(l2SpanIds.has(parentOf(command)!)).toBe(true);
  });
});

describe('cachekit/otel: log correlation', () => {
  it('a record written during a traced call carries the W3C trace id and span id of the active span', async () => {
    install();
    const logger = recordingLogger();
    const name = unique('logged');
    const f = cache(async (id: number) => ({ id }), { backend, l1: false, name, module: MODULE, logger });
    await direct.set(tenantScopedKey('default', functionKey({ module: MODULE, name, args: [1] })), 'garbage');
    const request = await inRequest(() => f(1));
    const [refusal] = logger.records.filter((r) => r.message.includes('failed its integrity check'));
    expect(refusal!.fields.traceId).toBe(request.spanContext().traceId);
    expect(refusal!.fields.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(refusal!.fields.spanId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('instrumentCachekit twice without uninstalling is refused with the fix', () => {
    install();
    expect(() => instrumentCachekit({ tracerProvider: provider })).toThrow(/already installed.*call the function the first call returned/);
  });
});

