/**
 * Scenario 5: garbage in Redis. Entries the cache wrote are overwritten behind its back —
 * random bytes, truncated envelopes, a flipped byte, an empty value, another key's entry —
 * and read again. Each must be a miss with a counted integrity error (the function runs and
 * returns the right value), the bad entry must be deleted (seen on the wire with MONITOR), and
 * the rewritten entry must then serve hits again.
 *
 * Another key's entry is only detectable when something binds entries to their key: the
 * encrypted format does (the key is in the AEAD's associated data); the plaintext envelope of
 * the cross-SDK protocol carries no key, so there a swapped entry reads as the other key's
 * value. The scenario measures both and reports the plaintext case separately.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { isCorrect } from './workload';
import { check, type Check, type ScenarioReport } from './report';
import { CallLog } from './calls';
import { createWorld } from './setup';

/** The corruptions applied, each to its own entries. */
export const CORRUPTIONS = ['random bytes', 'truncated', 'one byte flipped', 'empty', "another key's entry"] as const;
type Corruption = (typeof CORRUPTIONS)[number];

const ITEMS_PER_CORRUPTION = 8;
/** A 32-byte master key for the encrypted variant (test-only). */
const TEST_MASTER_KEY = 'a1'.repeat(32);

function corrupt(kind: Corruption, good: Buffer, other: Buffer): Buffer {
  switch (kind) {
    case 'random bytes':
      return randomBytes(good.length);
    case 'truncated':
      return good.subarray(0, Math.floor(good.length / 2));
    case 'one byte flipped': {
      const copy = Buffer.from(good);
      const at = Math.floor(copy.length / 2);
      copy[at] = (copy[at] ?? 0) ^ 0x5a;
      return copy;
    }
    case 'empty':
      return Buffer.alloc(0);
    case "another key's entry":
      return other;
  }
}

/** Runs scenario 5 on a plaintext (default) or encrypted cache. */
export async function garbageScenario(encrypted: boolean): Promise<ScenarioReport> {
  const world = await createWorld('garbage', {
    delayMs: 1,
    cacheOptions: { l1: false, ...(encrypted ? { encryption: { masterKey: TEST_MASTER_KEY }, tenant: 'single' as const } : {}) },
  });
  const admin = new Redis(world.server.url);
  world.onClose(() => void admin.disconnect());
  try {
    const { cached, workload, namespace } = world;
    const pattern = `*${namespace}*`;
    // Write each item alone and note the key it landed under.
    const items: Array<{ a: number; b: number; key: string; kind: Corruption }> = [];
    let known = new Set<string>();
    for (const [k, kind] of CORRUPTIONS.entries()) {
      for (let b = 0; b < ITEMS_PER_CORRUPTION; b++) {
        await cached(k, b);
        await cached.flush();
        const keys = (await admin.keys(pattern)).filter((key) => !known.has(key));
        if (keys.length !== 1) throw new Error(`expected one new key for (${k}, ${b}), found ${keys.length}`);
        items.push({ a: k, b, key: keys[0]!, kind });
        known = new Set([...known, keys[0]!]);
      }
    }
    const good = new Map<string, Buffer>();
    for (const item of items) good.set(item.key, (await admin.getBuffer(item.key)) as Buffer);
    const garbage = new Map<string, Buffer>();
    for (const [i, item] of items.entries()) {
      const other = items[(i + 1) % items.length]!;
      const bytes = corrupt(item.kind, good.get(item.key)!, good.get(other.key)!);
      garbage.set(item.key, bytes);
      await admin.set(item.key, bytes);
    }

    // MONITOR runs on its own connection and sees every command the cache sends.
    const monitor = await admin.monitor();
    const deleted = new Set<string>();
    monitor.on('monitor', (_time: string, args: string[]) => {
      const [command, key] = args;
      if (key !== undefined && /^(unlink|del)$/i.test(command ?? '')) deleted.add(key);
    });
    const integrityBefore = cached.getHealthStatus().counters.integrityErrors;
    const runsBefore = workload.runs;
    const log = new CallLog();
    const results = new Map<Corruption, { calls: number; wrong: number; ran: number; deleted: number }>();
    for (const kind of CORRUPTIONS) results.set(kind, { calls: 0, wrong: 0, ran: 0, deleted: 0 });
    for (const item of items) {
      const runs = workload.runs;
      const record = await log.record(workload, cached, item.a, item.b);
      const result = results.get(item.kind)!;
      result.calls++;
      if (record.wrong) result.wrong++;
      if (workload.runs > runs) result.ran++;
    }
    await cached.flush();
    // Let MONITOR's stream catch up with the last commands.
    await admin.ping();
    await new Promise((resolve) => setTimeout(resolve, 100));
    monitor.disconnect();
    for (const item of items) if (deleted.has(item.key)) results.get(item.kind)!.deleted++;
    const integrityErrors = cached.getHealthStatus().counters.integrityErrors - integrityBefore;

    // Plaintext envelopes are key-bound (their format tag names the key), so every corruption —
    // another key's entry included — is detectable in both modes.
    const detectable: readonly Corruption[] = CORRUPTIONS;
    // The rewritten entries serve hits again, with the right values.
    const runsBeforeReread = workload.runs;
    let rereadWrong = 0;
    for (const item of items) {
      if (detectable.includes(item.kind) && !isCorrect(await cached(item.a, item.b), item.a, item.b)) rereadWrong++;
    }
    const rereadRuns = workload.runs - runsBeforeReread;

    const sum = (kinds: readonly Corruption[], field: 'calls' | 'wrong' | 'ran' | 'deleted') =>
      kinds.reduce((total, kind) => total + results.get(kind)![field], 0);
    const detectableCalls = sum(detectable, 'calls');
    const all = log.summary();
    const checks: Check[] = [
      check.eq('caller errors', all.errors, 0),
      check.eq('wrong values (all corruptions)', sum(detectable, 'wrong'), 0),
      check.eq('integrity errors counted', integrityErrors, detectableCalls),
      check.eq('bad entries the function recomputed', sum(detectable, 'ran'), detectableCalls),
      check.eq('bad entries deleted (UNLINK seen)', sum(detectable, 'deleted'), detectableCalls),
      check.eq('wrong values when re-read after the repair', rereadWrong, 0),
      check.eq('runs when re-read after the repair', rereadRuns, 0),
    ];
    return {
      id: encrypted ? '5b' : '5',
      title: `Garbage in Redis (${encrypted ? 'encrypted' : 'plaintext, integrity envelope'})`,
      fault: `${items.length} entries overwritten: ${CORRUPTIONS.map((k) => `${ITEMS_PER_CORRUPTION} × ${k}`).join(', ')}; then read once each`,
      calls: all,
      runs: workload.runs - runsBefore,
      figures: [
        ...CORRUPTIONS.map((kind): [string, string] => {
          const r = results.get(kind)!;
          return [kind, `${r.calls} reads: ${r.ran} recomputed, ${r.wrong} wrong, ${r.deleted} deleted`];
        }),
        ['integrity errors counted', String(integrityErrors)],
        ['re-read after repair', `${rereadRuns} runs, ${rereadWrong} wrong`],
      ],
      checks,
      goals: [],
    };
  } finally {
    await world.close();
  }
}
