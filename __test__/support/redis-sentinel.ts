/**
 * Starts a real Sentinel deployment on loopback for tests: one master, one replica and one
 * `redis-sentinel` process monitoring the master under a given name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startRedisServer, waitForRedis, type RedisServerHandle } from './redis-server';

/** A running Sentinel deployment owned by a test. */
export interface RedisSentinelHandle {
  readonly master: RedisServerHandle;
  readonly replica: RedisServerHandle;
  /** Port of the sentinel. */
  readonly sentinelPort: number;
  /** Name the sentinel monitors the master under. */
  readonly masterName: string;
  /** Stops the sentinel, the replica and the master. */
  stop(): Promise<void>;
}

/** Sends one inline command to 127.0.0.1:port and returns the raw reply. */
function rawCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(2000, () => {
      socket.destroy();
      reject(new Error(`no reply to ${command}`));
    });
    socket.on('error', reject);
    socket.on('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (data) => {
      reply += data.toString();
      // An array reply of two bulk strings ends after its fourth line.
      if (reply.startsWith('-') || reply.startsWith('+') || reply.split('\r\n').length >= 5 || reply.startsWith('*-1')) {
        socket.destroy();
        resolve(reply);
      }
    });
  });
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts master, replica and sentinel, and waits until the sentinel reports the master. */
export async function startRedisSentinel(masterName = 'cachekit-master'): Promise<RedisSentinelHandle> {
  const master = await startRedisServer();
  const replica = await startRedisServer({ args: ['--replicaof', '127.0.0.1', String(master.port)] });
  const sentinelPort = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'cachekit-sentinel-'));
  const config = path.join(dir, 'sentinel.conf');
  writeFileSync(
    config,
    [
      `port ${sentinelPort}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${masterName} 127.0.0.1 ${master.port} 1`,
      `sentinel down-after-milliseconds ${masterName} 5000`,
      `sentinel failover-timeout ${masterName} 60000`,
      '',
    ].join('\n'),
  );
  const sentinel = spawn('redis-sentinel', [config], { stdio: 'ignore' });
  sentinel.unref();
  const stop = async () => {
    sentinel.kill('SIGKILL');
    await waitForExit(sentinel);
    rmSync(dir, { recursive: true, force: true });
    await replica.stop();
    await master.stop();
  };
  try {
    await waitForRedis(sentinelPort);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const reply = await rawCommand(sentinelPort, `SENTINEL get-master-addr-by-name ${masterName}`);
      if (reply.includes(String(master.port))) break;
      if (Date.now() > deadline) throw new Error(`sentinel does not know ${masterName}: ${reply}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { master, replica, sentinelPort, masterName, stop };
}
