/**
 * The stamp table's rules, one by one, over a real memory backend behind the reliability guard
 * (the clock is `Date`, moved by fake timers). The bus side is driven through the listener
 * interface the bus calls (`stamped`, `linkLost`, `linkRestored`), with a stand-in for the bus
 * that only reports whether it is connected: the real bus is exercised across processes in
 * tags-processes.redis.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryBackend } from '../../src/backends/memory';
import type { InvalidationBus } from '../../src/invalidation/bus';
import { ResilientBackend } from '../../src/reliability/resilient-backend';
import { TagStamps, UNWATCHED_TRUST_MS, type JudgedTags } from '../../src/tags/tag-stamps';

const T0 = new Date('2026-05-01T00:00:00Z').getTime();

afterEach(() => {
  vi.useRealTimers();
});

function setup() {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
  const memory = new MemoryBackend({ clock: () => Date.now() });
  const via = new ResilientBackend(memory);
  return { memory, via, table: new TagStamps(false) };
}

/** An entry created at `createdAt` with these stamp keys. */
const entry = (createdAt: number, ...stampKeys: string[]): JudgedTags => ({ stampKeys, createdAt, judgedVersion: -1, trustedUntil: 0 });

/** A bus that is connected or not, and records the stamps it was asked to announce. */
function standInBus(connected: boolean) {
  const announced: Array<Map<string, number>> = [];
  const bus = {
    degraded: !connected,
    degradedTtlMs: 500,
    watchTags: () => undefined,
    tagsStamped: (stamps: ReadonlyMap<string, number>) => announced.push(new Map(stamps)),
  };
  return { bus: bus as unknown as InvalidationBus, state: bus, announced };
}

describe('the tag stamp table', () => {
  it('reads a stamp it does not know from L2 once, then judges in memory', async () => {
    const { memory, via, table } = setup();
    await memory.set('t:default:tag:a', Buffer.from(String(T0 - 10)));
    const older = entry(T0 - 20, 't:default:tag:a');
    const newer = entry(T0 - 5, 't:default:tag:a', 't:default:tag:never');
    expect(table.judge(older, T0)).toBe('unknown');
    expect(await table.refresh(['t:default:tag:a', 't:default:tag:never'], via)).toBe(true);
    expect(table.judge(older, T0)).toBe('invalid');
    expect(table.judge(newer, T0)).toBe('valid');
    await memory.set('t:default:tag:a', Buffer.from(String(T0))); // stamped elsewhere, no bus: not seen yet
    expect(table.judge(newer, T0 + UNWATCHED_TRUST_MS - 1)).toBe('valid');
    vi.setSystemTime(T0 + UNWATCHED_TRUST_MS);
    expect(table.judge(newer, Date.now())).toBe('unknown'); // trust ran out: read again
    expect(await table.refresh(newer.stampKeys, via)).toBe(true);
    expect(table.judge(newer, Date.now())).toBe('invalid');
  });

  it('stamps only grow: an announcement newer than a read wins, whatever arrives last', async () => {
    const { memory, via, table } = setup();
    await memory.set('t:default:tag:b', Buffer.from(String(T0 - 100)));
    const reading = table.refresh(['t:default:tag:b'], via); // the read is in flight
    table.stamped('t:default:tag:b', T0 - 1); // the announcement arrives first
    expect(await reading).toBe(true); // the older stamp read arrives last
    expect(table.judge(entry(T0 - 50, 't:default:tag:b'), T0)).toBe('invalid');
  });

  it('a remembered verdict is judged again when a stamp rises', () => {
    const { table } = setup();
    const tagged = entry(T0 - 5, 't:default:tag:c');
    table.stamped('t:default:tag:c', T0 - 10);
    expect(table.judge(tagged, T0)).toBe('valid');
    expect(tagged.judgedVersion).toBeGreaterThanOrEqual(0);
    table.stamped('t:default:tag:c', T0 - 1);
    expect(table.judge(tagged, T0)).toBe('invalid');
  });

  it('trusts what it knows while the bus is connected, at most degradedTtl once its link is lost, and forgets it after a gap', async () => {
    const { memory, via, table } = setup();
    const { bus, state } = standInBus(true);
    table.watch(bus);
    await memory.set('t:default:tag:d', Buffer.from(String(T0 - 100)));
    await table.refresh(['t:default:tag:d'], via);
    const tagged = entry(T0 - 50, 't:default:tag:d');
    expect(table.judge(tagged, T0 + 3_600_000)).toBe('valid'); // connected: trusted until told otherwise

    state.degraded = true;
    table.linkLost(T0 + 500);
    expect(table.judge(tagged, T0 + 499)).toBe('valid');
    expect(table.judge(tagged, T0 + 500)).toBe('unknown');

    // A read that began before the gap ended records nothing it found.
    vi.setSystemTime(T0 + 500);
    const pending = table.refresh(['t:default:tag:d'], via);
    state.degraded = false;
    table.linkRestored();
    expect(await pending).toBe(false);
    expect(table.judge(tagged, Date.now())).toBe('unknown');
  });

  it('stamp(): here at once, then in L2 for 30 days, then on the bus; resolves after the clock passed the stamp', async () => {
    const { memory, via, table } = setup();
    const { bus, announced } = standInBus(true);
    table.watch(bus);
    const tagged = entry(T0 - 1, 't:acme:tag:e');
    const stamping = table.stamp(['t:acme:tag:e'], via);
    expect(table.judge(tagged, T0)).toBe('invalid'); // before L2 even answered
    vi.setSystemTime(T0 + 1);
    expect(await stamping).toBe(true);
    expect((await memory.get('t:acme:tag:e'))?.toString()).toBe(String(T0));
    expect(await memory.getTtl('t:acme:tag:e')).toBeGreaterThan(29 * 86_400);
    expect(announced).toEqual([new Map([['t:acme:tag:e', T0]])]);
  });

  it('without an L2 it is the whole truth: a tag never stamped here was never stamped', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    const table = new TagStamps(true);
    const tagged = entry(T0 - 1, 't:default:tag:f');
    expect(table.judge(tagged, T0)).toBe('valid');
    const stamping = table.stamp(['t:default:tag:f'], null);
    vi.setSystemTime(T0 + 1);
    expect(await stamping).toBe(true);
    expect(table.judge(tagged, T0 + 1)).toBe('invalid');
  });

  it('an L2 that cannot answer leaves the stamps unknown (the caller then trusts nothing)', async () => {
    const { memory, via, table } = setup();
    await memory.close();
    expect(await table.refresh(['t:default:tag:g'], via)).toBe(false);
    expect(table.judge(entry(T0, 't:default:tag:g'), T0)).toBe('unknown');
  });
});
