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
  /** One handle per node: the masters first, then their replicas (roles change on failover). */
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

/** Options of `startRedisCluster`. */
export interface RedisClusterOptions {
  /** Replicas per master (failover needs at least 1). Default 0. */
  replicasPerMaster?: number;
  /** `cluster-node-timeout`: how long a master may be unreachable before its replica takes over, ms. Default 5 000. */
  nodeTimeoutMs?: number;
}

/** The replication role a node reports (`master`, `slave`) and, for a replica, whether its link is up. */
async function replication(port: number): Promise<{ role: string; linkUp: boolean }> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'info', 'replication']);
  return { role: /role:(\w+)/.exec(stdout)?.[1] ?? '', linkUp: /master_link_status:up/.test(stdout) };
}

/** Starts `masters` cluster nodes (at least 3), with replicas if asked, and forms a cluster of them. */
export async function startRedisCluster(masters = 3, options: RedisClusterOptions = {}): Promise<RedisClusterHandle> {
  const replicas = options.replicasPerMaster ?? 0;
  const total = masters * (1 + replicas);
  const taken = new Set<number>();
  const nodes: RedisServerHandle[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    for (let i = 0; i < total; i++) {
      const port = await freeClusterPort(taken);
      taken.add(port);
      taken.add(port + 10_000);
      nodes.push(
        await startRedisServer({
          port,
          args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', String(options.nodeTimeoutMs ?? 5000)],
        }),
      );
    }
    const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
    // redis-cli makes the first `masters` addresses masters and the rest their replicas.
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicas), '--cluster-yes']);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const infos = await Promise.all(nodes.map((n) => clusterInfo(n.port)));
      const ready = infos.every(
        (info) =>
          info.get('cluster_state') === 'ok' &&
          info.get('cluster_slots_assigned') === '16384' &&
          info.get('cluster_known_nodes') === String(total),
      );
      const synced = replicas === 0 || (await Promise.all(nodes.map((n) => replication(n.port)))).every((r) => r.role === 'master' || r.linkUp);
      if (ready && synced) break;
      if (Date.now() > deadline) throw new Error(`cluster did not reach cluster_state:ok: ${JSON.stringify(infos.map((i) => [...i]))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes, seeds: nodes.map((n) => ({ host: '127.0.0.1', port: n.port })), stop };
}
