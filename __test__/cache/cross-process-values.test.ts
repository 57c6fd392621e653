/**
 * A value of every supported type written by one process and read by another, the way a fleet
 * shares a cache: the read returns an equal value or runs the function — it never rejects.
 * Every step after L2 answered (opening, decoding, filling L1, copying for the caller) is
 * contained. Generated values per serializer plus the awkward ones that once made every later
 * read reject (a DataView under `auto`, objects nested 3,500 deep under `json`), read with and
 * without L1, encrypted and not, each read past the point where an L1 entry's copies switch
 * to a copier compiled for the value's shape (the second read of an L1 reader is an L1 hit).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { cache, RedisBackend } from '../../src';
import { COPIES_BEFORE_COMPILING } from '../../src/l1/value-template';
import { SERIALIZERS, TEST_MASTER_KEY, sameValue, sharedIdentity, valuesFor, type SerializerUnderTest } from './support/generated-values';

const redisUrl = inject('redisUrl');
/** Reads of each value: the first fills L1, later ones copy its template, compiled after a few. */
const READS_PER_VALUE = COPIES_BEFORE_COMPILING + 4;
const runId = `xproc-${randomBytes(4).toString('hex')}`;
const seed = Date.now() % 2 ** 31;
const backend = new RedisBackend({ url: redisUrl });
afterAll(() => backend.close());

/** One read function per identity, with the values and run count of the case using it. */
const readers = new Map<string, { fn: (i: number) => Promise<unknown>; state: { values: unknown[]; runs: number } }>();
function readerFor(id: string, values: unknown[]) {
  let reader = readers.get(id);
  if (reader === undefined) {
    const state = { values, runs: 0 };
    reader = {
      fn: async (i: number) => {
        state.runs++;
        return state.values[i];
      },
      state,
    };
    readers.set(id, reader);
  }
  reader.state.runs = 0;
  return reader;
}

let written = false;
function writeInAnotherProcess(): void {
  if (written) return;
  const root = path.resolve(__dirname, '..', '..');
  execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'support', 'value-writer.ts'), redisUrl, runId, String(seed)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CACHEKIT_LOG_LEVEL: 'silent' },
  });
  written = true;
}

describe(`values written by another process (seed ${seed})`, () => {
  const cases = (Object.keys(SERIALIZERS) as SerializerUnderTest[]).flatMap((serializer) =>
    [false, true].flatMap((encrypted) => [true, false].map((l1) => ({ serializer, encrypted, l1 }))),
  );
  it.each(cases)('$serializer, encrypted: $encrypted, L1: $l1 — equal value or a run, never a rejection', async ({ serializer, encrypted, l1 }) => {
    writeInAnotherProcess();
    const values = valuesFor(serializer, seed);
    // The L1-on and L1-off cases of one identity read the same entries, so they wrap the same
    // function (one function per identity); each case counts its own runs.
    const reader = readerFor(`${serializer}:${encrypted}`, values);
    const read = cache(
      reader.fn,
      {
        backend,
        serializer,
        l1: l1 ? { maxEntries: 10_000 } : false,
        ...sharedIdentity(runId, serializer, encrypted),
        ...(encrypted ? { encryption: { masterKey: TEST_MASTER_KEY }, tenant: 'single' as const } : {}),
      },
    );
    const rejected: string[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < values.length; i++) {
      for (let attempt = 0; attempt < READS_PER_VALUE; attempt++) {
        let value: unknown;
        try {
          value = await read(i);
        } catch (error) {
          rejected.push(`value ${i}, read ${attempt + 1}: ${String(error)}`.slice(0, 300));
          continue;
        }
        if (!sameValue(value, values[i])) wrong.push(i);
      }
    }
    await read.flush();
    expect(rejected).toEqual([]);
    expect(wrong).toEqual([]);
    // Most values are cached: the reads are not all answered by the function.
    expect(reader.state.runs).toBeLessThan(values.length);
  });
});
