/**
 * Starts a real Redis Cluster on loopback for tests: N masters (`redis-server
 * --cluster-enabled yes`), joined with `redis-cli --cluster create`, and waits until every
 * node reports `cluster_state:ok`.
 */
import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import { startRedisServer, type RedisServerHandle } from './redis-server';

const run = promisify(execFile);

/** A running Redis Cluster owned by a test. */
export interface RedisClusterHandle {
  /** One handle per master. */
  readonly nodes: RedisServerHandle[];
  /** Seed addresses for a cluster client. */
  readonly seeds: Array<{ host: string; port: number }>;
  /** Stops every node and removes their directories. */
  stop(): Promise<void>;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A port that is free together with port + 10000, which a cluster node opens for its bus
 * (Redis 6 has no option to move it).
 */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if ((await isFree(port)) && (await isFree(port + 10_000))) return port;
  }
  throw new Error('no free port pair for a cluster node');
}

async function clusterInfo(port: number): Promise<Map<string, string>> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'cluster', 'info']);
  const fields = new Map<string, string>();
  for (const line of stdout.split(/\r?\n/)) {
    const [name, value] = line.split(':');
    if (name && value !== undefined) fields.set(name.trim(), value.trim());
  }
  return fields;
}

/** Starts `masters` cluster nodes (at least 3) and forms a cluster of them. */
export async function startRedisCluster(masters = 3): Promise<RedisClusterHandle> {
  const taken = new Set<number>();
  const nodes: RedisServerHandle[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freeClusterPort(taken);
      taken.add(port);
      taken.add(port + 10_000);
      nodes.push(
        await startRedisServer({
          port,
          args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000'],
        }),
      );
    }
    const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const infos = await Promise.all(nodes.map((n) => clusterInfo(n.port)));
      const ready = infos.every(
        (info) =>
          info.get('cluster_state') === 'ok' &&
          info.get('cluster_slots_assigned') === '16384' &&
          info.get('cluster_known_nodes') === String(masters),
      );
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`cluster did not reach cluster_state:ok: ${JSON.stringify(infos.map((i) => [...i]))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes, seeds: nodes.map((n) => ({ host: '127.0.0.1', port: n.port })), stop };
}
