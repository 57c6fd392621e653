/**
 * Entries forged by anyone who can write to the cache's store — straight into a real Redis or
 * a file-backend directory — are misses that cost little: the function runs and its value is
 * returned, the entry is counted as an integrity error, and reading it never builds a heap out
 * of proportion to `maxValueBytes` nor allocates a declared size the cache would never write.
 *
 * Each read runs in a child process (the reader), which reports how far its peak resident set
 * (VmHWM) grew during the call: a memory bound, not a time bound. The envelope is a valid one,
 * checksum and key-bound format tag included — all public knowledge.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FileBackend } from '../../src/backends/file/backend';
import { ByteStorage } from '../../src/native';
import { RecordingBackend } from '../support/recording-backend';
import type { ForgedReadResult, ForgedReadSpec } from './fixtures/forged-target';
import { forgedTarget } from './fixtures/forged-target';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const READER = path.join(__dirname, 'fixtures', 'read-forged-entry.ts');
const MiB = 1024 * 1024;
/** What a reader may grow by for reasons of its own (code, connections, GC headroom). */
const SLACK = 48 * MiB;
const storage = new ByteStorage();

let counter = 0;
const unique = (label: string) => `${label}_${process.pid}_${++counter}`;

/** 4.9 M empty maps in one array32: 4.9 MB of MessagePack, ~19 KB once LZ4 packs it. */
function emptyMaps(count = 4_900_000): Buffer {
  const payload = Buffer.alloc(count + 5, 0x80);
  payload[0] = 0xdd;
  payload.writeUInt32BE(count, 1);
  return payload;
}

/**
 * The key of `spec`'s call `f(1)` and the envelope format tag its entries carry (key-bound),
 * learnt by letting the cache write a genuine entry into a recording backend.
 */
async function keyAndFormat(spec: ForgedReadSpec): Promise<{ key: string; format: string }> {
  const recording = new RecordingBackend();
  const f = forgedTarget(recording, spec);
  await f(1);
  await f.flush();
  const key = recording.writes[0]!.key;
  const genuine = (await recording.get(key))!;
  return { key, format: storage.retrieve(genuine).format };
}

/** Runs the reader child on `spec`; `nodeArgs` go before the script (e.g. a heap limit). */
async function readInChild(spec: ForgedReadSpec, nodeArgs: string[] = []): Promise<ForgedReadResult> {
  const { stdout } = await run(process.execPath, [...nodeArgs, '--import', 'tsx', READER, JSON.stringify(spec)], {
    cwd: ROOT,
    maxBuffer: 16 * MiB,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as ForgedReadResult;
}

function expectAFreshValueAndAMiss(result: ForgedReadResult): void {
  expect(result.value).toEqual({ id: 1, fresh: true });
  expect(result.runs).toBe(1);
  expect(result.integrityErrors).toBe(1);
}

describe('forged entries in a real Redis', () => {
  const redisUrl = inject('redisUrl');
  let raw: Redis;

  beforeAll(() => {
    raw = new Redis(redisUrl);
  });
  afterAll(() => raw.disconnect());

  /** Plants an envelope of `payload` under the key of `spec`'s f(1); returns the stored size. */
  async function plant(spec: ForgedReadSpec, payload: Buffer): Promise<number> {
    const { key, format } = await keyAndFormat(spec);
    const forged = storage.store(payload, format);
    await raw.set(key, forged);
    return forged.length;
  }

  it('a ~19 KB entry of 4.9 M empty maps is refused before it is built: the reader grows by far less than 8 × maxValueBytes', async () => {
    const spec: ForgedReadSpec = { name: unique('maps'), redisUrl, maxValueBytes: 8 * MiB };
    const stored = await plant(spec, emptyMaps());
    expect(stored).toBeLessThan(20_000);
    const result = await readInChild(spec);
    expectAFreshValueAndAMiss(result);
    expect(result.peakRssGrowth).toBeLessThan(8 * spec.maxValueBytes! + SLACK);
    // The genuine value replaced the forged entry.
    expect((await raw.strlen((await keyAndFormat(spec)).key)) < 1000).toBe(true);
  });

  it('with the default maxValueBytes, a reader limited to a 256 MB heap survives it and returns the value', async () => {
    const spec: ForgedReadSpec = { name: unique('maps-small-heap'), redisUrl };
    await plant(spec, emptyMaps());
    const result = await readInChild(spec, ['--max-old-space-size=256']);
    expectAFreshValueAndAMiss(result);
  });

  it('a 1 MB entry declaring 256 MiB is refused before the 256 MiB are allocated', async () => {
    const spec: ForgedReadSpec = { name: unique('declared'), redisUrl, maxValueBytes: 8 * MiB };
    // A valid envelope of 256 MiB of zeros: LZ4 packs it ~255:1, within the protocol's 1000:1.
    const stored = await plant(spec, Buffer.alloc(256 * MiB));
    expect(stored).toBeLessThan(1.1 * MiB);
    const result = await readInChild(spec);
    expectAFreshValueAndAMiss(result);
    expect(result.peakRssGrowth).toBeLessThan(8 * spec.maxValueBytes! + SLACK);
  });
});

describe('forged entries in a file-backend directory', () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'cachekit-forged-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('a ~19 KB entry of 4.9 M empty maps is refused before it is built: the reader grows by far less than 8 × maxValueBytes', async () => {
    const spec: ForgedReadSpec = { name: unique('file-maps'), directory, maxValueBytes: 8 * MiB };
    const { key, format } = await keyAndFormat(spec);
    const writer = new FileBackend({ directory });
    await writer.set(key, storage.store(emptyMaps(), format));
    await writer.close();
    const result = await readInChild(spec);
    expectAFreshValueAndAMiss(result);
    expect(result.peakRssGrowth).toBeLessThan(8 * spec.maxValueBytes! + SLACK);
  });
});
