/**
 * Text read from a stored entry (an envelope's format tag, a cachekit-py frame's serializer
 * name) reaches log lines when the entry is refused. Someone who can write to Redis controls
 * that text, so it is shortened and escaped first: a planted entry can neither flood the log
 * with a megabyte nor start a forged log line.
 */
import { describe, expect, it } from 'vitest';
import { cache } from '../../src/cache';
import { functionKey, tenantScopedKey } from '../../src/keys';
import { useRedisAndBackend } from '../support/redis-and-backend';
import { ByteStorage } from '../../src/native';

const MODULE = 'stored-text-in-logs';
const FORGED_LINE = '{"level":"error","msg":"cachekit: master key leaked, rotate now"}';
/** Control characters, a line separator and bidi overrides, then a megabyte. */
const HOSTILE = `msgpack\n${FORGED_LINE}\r\u2028\u202e\u0000${'A'.repeat(1024 * 1024)}`;
/** A log record built from a refused entry stays well under this many characters. */
const RECORD_LIMIT = 2048;
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const store = useRedisAndBackend();

/** A default cache with a capturing logger, and the stored key of its call `f(1)`. */
function loggedCache(name: string) {
  const records: Array<{ message: string; fields: Record<string, unknown> }> = [];
  const record = (fields: Record<string, unknown>, message: string) => void records.push({ message, fields });
  let runs = 0;
  const f = cache(async (id: number) => ({ id, run: ++runs }), {
    backend: store.backend,
    l1: false,
    name,
    module: MODULE,
    logger: { trace: record, debug: record, info: record, warn: record, error: record },
  });
  return { f, records, runs: () => runs, storedKey: tenantScopedKey('default', functionKey({ module: MODULE, name, args: [1] })) };
}

/** Every string in a log record's fields, however deep. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('text from stored entries in log lines', () => {
  it.each([
    ['an envelope whose format tag is hostile', () => new ByteStorage().store(Buffer.from([0xc0]), HOSTILE)],
    [
      'a cachekit-py frame whose header names a hostile serializer',
      () => {
        const header = Buffer.from(JSON.stringify({ s: HOSTILE }));
        const prefix = Buffer.from([0x43, 0x4b, 0x03, 0, 0, 0, 0]);
        prefix.writeUInt32BE(header.length, 3);
        return Buffer.concat([prefix, header, Buffer.from([0xc0])]);
      },
    ],
  ])('%s: a miss, and a short one-line record', async (_label, plant) => {
    const { f, records, runs, storedKey } = loggedCache(`hostile_${Math.random().toString(36).slice(2)}`);
    await store.redis.set(storedKey, plant());
    expect(await f(1)).toEqual({ id: 1, run: 1 });
    expect(runs()).toBe(1);
    const refusals = records.filter((r) => r.message.includes('failed its integrity check'));
    expect(refusals).toHaveLength(1);
    const texts = [refusals[0]!.message, ...strings(refusals[0]!.fields)];
    expect(texts.filter((text) => UNSAFE.test(text))).toEqual([]);
    expect(texts.join(' ').length).toBeLessThan(RECORD_LIMIT);
    // The start of the hostile text is still there to recognise, escaped.
    expect(texts.join(' ')).toContain('msgpack\\n{\\"level\\"');
  });
});
