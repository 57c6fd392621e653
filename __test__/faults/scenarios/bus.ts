/**
 * Scenario 9: the invalidation bus under faults. Process A writes new values while process B
 * holds the old ones in its L1; the bus is broken three ways in turn — every subscriber
 * connection killed (CLIENT KILL TYPE pubsub), Redis frozen (SIGSTOP), Redis restarted (SIGKILL,
 * empty on restart) — and after each fault A writes again. B must see every new value (it may
 * serve the old one at most `degradedTtl` after it missed the announcement), never a value that
 * is neither, and no call of either may fail.
 */
import { Redis } from 'ioredis';
import { PeerProcess } from '../../invalidation/support/peer-process';
import { percentile, round1 } from './calls';
import { check, type ScenarioReport } from './report';
import { createWorld, sleep, uniqueNamespace } from './setup';

/** L1 lifetime cap while a process's subscriber is down, ms. */
export const BUS_DEGRADED_TTL_MS = 500;
const KEYS = 20;
/** The bound on staleness after a fault: the degraded TTL (a goal, reported). */
const STALENESS_TARGET_MS = BUS_DEGRADED_TTL_MS;
/** Asserted: B must have seen every new value well within this, or it was not bounded at all. */
const STALENESS_LIMIT_MS = 10 * BUS_DEGRADED_TTL_MS;

type Fault = 'subscribers killed' | 'Redis frozen' | 'Redis restarted';

/** Runs scenario 9. */
export async function busScenario(): Promise<ScenarioReport> {
  const world = await createWorld('bus', { delayMs: 0 });
  const admin = new Redis(world.server.url, { maxRetriesPerRequest: 1 });
  admin.on('error', () => undefined);
  const invalidation = { bus: { degradedTtl: `${BUS_DEGRADED_TTL_MS}ms` } };
  const namespace = uniqueNamespace('bus');
  const a = new PeerProcess(world.server.url, namespace, invalidation);
  const b = new PeerProcess(world.server.url, namespace, invalidation);
  const staleness: number[] = [];
  const perFault = new Map<Fault, number>();
  let wrong = 0;
  let neverSeen = 0;
  let version = 0;
  try {
    /** A writes the next version of every key; when each write (and its announcement) was done. */
    const writeAll = async (): Promise<number[]> => {
      version++;
      const writtenAt: number[] = [];
      for (let id = 0; id < KEYS; id++) {
        await a.ask(`write ${id} v${version}`);
        writtenAt.push(performance.now());
      }
      return writtenAt;
    };
    /** Reads every key in B until it shows the current version; records how long after its write that was. */
    const awaitNewValues = async (fault: Fault, writtenAt: number[]): Promise<void> => {
      let worst = 0;
      for (let id = 0; id < KEYS; id++) {
        for (;;) {
          const { value } = await b.read(id);
          if (value === `v${version}`) break;
          if (value !== `v${version - 1}` && value !== 'none') wrong++;
          if (performance.now() - writtenAt[id]! > STALENESS_LIMIT_MS) {
            neverSeen++;
            break;
          }
          await sleep(10);
        }
        worst = Math.max(worst, performance.now() - writtenAt[id]!);
      }
      staleness.push(worst);
      perFault.set(fault, worst);
    };

    await writeAll();
    for (let id = 0; id < KEYS; id++) await b.read(id); // B's L1 holds v1 now

    // 1. Every subscriber connection killed: announcements made before they are back are lost.
    await admin.client('KILL', 'TYPE', 'pubsub');
    await awaitNewValues('subscribers killed', await writeAll());

    // 2. Redis frozen: writes (and their announcements) fail meanwhile; then it answers again.
    world.server.pause();
    await sleep(1_000);
    world.server.resume();
    await awaitNewValues('Redis frozen', await writeAll());

    // 3. Redis restarted, empty: every connection drops and comes back.
    await world.server.kill();
    await world.server.restart();
    await awaitNewValues('Redis restarted', await writeAll());

    const busOfB = (JSON.parse(await b.ask('stats')) as { invalidation: { linkLosses: number } | null }).invalidation;
    const [exitA, exitB] = await Promise.all([a.quit(), b.quit()]);
    // A call that failed would have ended its peer (answers would stop): clean exits say none did.
    const errors = 0;
    const cleanExits = [exitA, exitB].filter((code) => code === 0).length;
    const longest = round1(Math.max(...staleness));
    return {
      id: '9',
      title: 'Invalidation bus under faults',
      fault: `subscribers killed (CLIENT KILL TYPE pubsub), Redis frozen 1 s, Redis restarted empty; after each, process A writes ${KEYS} keys that process B holds in its L1 (degradedTtl ${BUS_DEGRADED_TTL_MS} ms)`,
      calls: { calls: version * KEYS, errors, wrongValues: wrong, p50Ms: round1(percentile(staleness, 50)), p99Ms: round1(percentile(staleness, 99)), maxMs: longest, maxWaitMs: longest },
      runs: version * KEYS,
      figures: [
        ...[...perFault].map(([fault, ms]): [string, string] => [`longest staleness after "${fault}"`, `${round1(ms)} ms`]),
        ["times B's bus saw its subscription lost", String(busOfB?.linkLosses ?? 'no bus')],
      ],
      checks: [
        check.eq('wrong values (neither the old nor the new one)', wrong, 0),
        check.eq('keys whose new value B never saw', neverSeen, 0),
        check.eq('peer processes that exited cleanly', cleanExits, 2),
        // The killed subscribers and the restart must both have been noticed (the freeze may be too short to be).
        check.atLeast("times B's bus saw its subscription lost", busOfB?.linkLosses ?? 0, 2),
        check.atMost('longest staleness (ms)', longest, STALENESS_LIMIT_MS, ' ms'),
      ],
      goals: [check.atMost('longest staleness (ms)', longest, STALENESS_TARGET_MS, ' ms')],
    };
  } finally {
    a.kill();
    b.kill();
    admin.disconnect();
    await world.close();
  }
}
