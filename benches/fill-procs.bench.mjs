// Several processes filling keys at once on one Redis: what a miss costs when every process also
// receives the others' bus announcements (the bench of one process cannot show that part).
// Each process: 500 misses of warm-up, then 5,000 misses (a new key per call, each call awaited,
// a flush() after every 25), all processes released together. Reported per miss: the wall until
// the last process is done ÷ all misses, the processes' CPU (process.cpuUsage), redis-server's CPU
// (INFO cpu). With --compare <checkout>, that build runs too, the two alternating per round.
//
//   node benches/fill-procs.bench.mjs [--compare <checkout>] [--rounds N] [--procs N]
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import Redis from 'ioredis';
import { publishReport } from './lib/report.mjs';
import { startBenchRedis } from './lib/redis-server.mjs';

const require = createRequire(import.meta.url);
const { median } = require('./lib/rounds.js');
const here = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const WARM_MISSES = 500;
const MISSES = 5_000;
const FLUSH_EVERY = 25;
const MODES = {
  'L1 + Redis, default': { preset: 'cache', l1: true },
  'Redis only, default (l1: false)': { preset: 'cache', l1: false },
  'Redis only, cache.production': { preset: 'production', l1: false },
};

/** One filling process: `dir` is the build, `mode` a key of MODES; talks to its parent over stdio. */
async function child(dir, mode, url, index) {
  const { cache, RedisBackend } = require(path.join(dir, 'dist/index.cjs'));
  const { userPayload } = require('./lib/payload.js');
  const { preset, l1 } = MODES[mode];
  const backend = new RedisBackend({ url });
  const options = { ttl: 3600, module: `fill-${index}`, backend, ...(l1 ? {} : { l1: false }) };
  const load = async (id) => userPayload(id);
  const fn = preset === 'production' ? cache.production(load, options) : cache(load, options);
  let id = index * 1e7;
  for (let i = 0; i < WARM_MISSES; i++) await fn(id++);
  await fn.flush();
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  const started = process.cpuUsage();
  for (let i = 0; i < MISSES; i += FLUSH_EVERY) {
    for (let j = 0; j < FLUSH_EVERY; j++) await fn(id++);
    await fn.flush();
  }
  const cpu = process.cpuUsage(started);
  process.stdout.write(`done ${(cpu.user + cpu.system) / MISSES}\n`);
  await backend.close();
  process.exit(0);
}

/** The next line a child writes, awaited. */
function lineReader(proc) {
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  return async () => (await lines.next()).value;
}

/** Redis's CPU time so far, µs. */
async function redisCpuUs(raw) {
  const info = await raw.info('cpu');
  const field = (name) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)[1]);
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1e6;
}

/** One round: `procs` processes of build `dir` fill at once on a fresh Redis; figures per miss. */
async function round(dir, mode, procs) {
  const redis = await startBenchRedis();
  const raw = new Redis(redis.url);
  try {
    const script = new URL(import.meta.url).pathname;
    const children = Array.from({ length: procs }, (_, i) =>
      spawn(process.execPath, [script, '--child', dir, mode, redis.url, String(i + 1)], { stdio: ['pipe', 'pipe', 'inherit'] }),
    );
    const next = children.map(lineReader);
    if ((await Promise.all(next.map((line) => line()))).some((line) => line !== 'ready')) throw new Error('a process did not start');
    const redisBefore = await redisCpuUs(raw);
    const started = performance.now();
    for (const c of children) c.stdin.write('go\n');
    // Each process's CPU per miss (`done <µs>`), the wall when the last one is done.
    const cpu = await Promise.all(next.map(async (line) => Number((await line()).split(' ')[1])));
    const wallMs = performance.now() - started;
    const total = MISSES * procs;
    return { wall: (wallMs * 1000) / total, node: cpu.reduce((a, b) => a + b, 0) / cpu.length, redis: ((await redisCpuUs(raw)) - redisBefore) / total };
  } finally {
    raw.disconnect();
    await redis.stop();
  }
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  await child(args[1], args[2], args[3], Number(args[4]));
} else {
  const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  const compare = option('--compare', undefined);
  const rounds = Number(option('--rounds', 3));
  const procs = Number(option('--procs', 4));
  const builds = compare === undefined ? [['this build', here]] : [['other', path.resolve(compare)], ['this build', here]];
  const lines = [
    `## ${procs} processes filling keys at once: µs per miss (median of ${rounds} rounds${compare ? `; other = ${path.resolve(compare)}` : ''})`,
    '',
    `| mode | build | wall | processes' CPU | redis-server CPU |${compare ? ' wall, this ÷ other | CPU, this ÷ other | redis CPU, this ÷ other |' : ''}`,
    `| --- | --- | ---: | ---: | ---: |${compare ? ' ---: | ---: | ---: |' : ''}`,
  ];
  for (const mode of Object.keys(MODES)) {
    const results = builds.map(() => []);
    for (let r = 0; r < rounds; r++) for (const [i, [, dir]] of builds.entries()) results[i].push(await round(dir, mode, procs));
    const medians = results.map((rows) => ({ wall: median(rows.map((x) => x.wall)), node: median(rows.map((x) => x.node)), redis: median(rows.map((x) => x.redis)) }));
    for (const [i, [name]] of builds.entries()) {
      const m = medians[i];
      const ratio = compare && i === 1 ? ` ${(m.wall / medians[0].wall).toFixed(2)} | ${(m.node / medians[0].node).toFixed(2)} | ${(m.redis / medians[0].redis).toFixed(2)} |` : compare ? ' | | |' : '';
      lines.push(`| ${mode} | ${name} | ${m.wall.toFixed(1)} | ${m.node.toFixed(1)} | ${m.redis.toFixed(1)} |${ratio}`);
    }
  }
  publishReport('fill-procs', lines);
  process.exit(0);
}
