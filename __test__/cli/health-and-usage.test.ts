/**
 * `cachekit health` against real redis-servers (healthy, near its memory limit, not there) and
 * the command line's own mistakes: each has its exit code and a message that names the fix,
 * and none shows a password.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, startRedisServer, type RedisServerHandle } from '../support/redis-server';
import { jsonLines, runCli } from './support/run-cli';

const redisUrl = inject('redisUrl');

describe('cachekit health', () => {
  it('exits 0 for a healthy Redis and reports what the library check found', async () => {
    const run = await runCli(['health', '--redis', redisUrl, '--json', '--degraded-ms', '60000']);
    expect(run.code).toBe(0);
    const [report] = jsonLines(run);
    expect(report).toMatchObject({ type: 'health', status: 'healthy', ok: true, backendType: 'redis', reasons: [] });
    expect(report!.details).toMatchObject({ mode: 'standalone' });
    expect(report!.details.version).toMatch(/^\d+\.\d+/);
  });

  it('exits 2 when nothing listens at the URL, saying why', async () => {
    const port = await freePort();
    const run = await runCli(['health', '--redis', `redis://127.0.0.1:${port}`]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('unhealthy');
    expect(run.stdout).toContain('ECONNREFUSED');
  });

  describe('with a password and a memory limit', () => {
    let server: RedisServerHandle;
    beforeAll(async () => {
      server = await startRedisServer({ args: ['--requirepass', 's3cret-pass', '--maxmemory', '4mb', '--maxmemory-policy', 'allkeys-lru'] });
      // Fill it to its limit: eviction keeps it there.
      const redis = new Redis({ port: server.port, password: 's3cret-pass' });
      const value = Buffer.alloc(64 * 1024, 7);
      for (let i = 0; i < 200; i++) await redis.set(`fill:${i}`, value);
      redis.disconnect();
    });
    afterAll(() => server.stop());

    it('exits 1 (degraded) when Redis uses most of its maxmemory', async () => {
      const run = await runCli(['health', '--redis', `redis://:s3cret-pass@127.0.0.1:${server.port}`, '--degraded-ms', '60000']);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('degraded');
      expect(run.stdout).toContain('maxmemory');
      expect(run.stdout + run.stderr).not.toContain('s3cret-pass');
    });

    it('exits 2 with the authentication failure for a wrong password, never echoing it', async () => {
      const run = await runCli(['health', '--redis', `redis://:wrong-pass@127.0.0.1:${server.port}`]);
      expect(run.code).toBe(2);
      expect(run.stdout).toMatch(/WRONGPASS|NOAUTH|invalid password/i);
      expect(run.stdout + run.stderr).not.toContain('wrong-pass');
    });

    it('a scan command against the wrong password exits 2 before printing anything', async () => {
      const run = await runCli(['inspect', '--redis', `redis://:wrong-pass@127.0.0.1:${server.port}`]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('Cannot use Redis at redis://:***@127.0.0.1');
      expect(run.stderr).not.toContain('wrong-pass');
    });
  });
});

describe('command-line mistakes (exit 3)', () => {
  it.each([
    [['frobnicate'], 'Unknown command "frobnicate"'],
    [['inspect', '--redis', redisUrl, '--colour'], "Unknown option '--colour'"],
    [['inspect', '--redis', redisUrl, 'a*', 'b*'], 'at most one pattern'],
    [['stats', '--redis', redisUrl, '--soon', '0'], '--soon must be a whole number'],
    [['stats', '--redis', redisUrl, '--soon'], "Option '--soon <value>' argument missing"],
    [['inspect', '--redis', 'http://:hunter2@example.com'], 'is not supported'],
    [['inspect', '--redis', redisUrl, '--dir', '/tmp'], 'either --redis or --dir'],
    [['inspect'], 'No backend given'],
  ])('%j', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain('hunter2');
    expect(run.stdout).toBe('');
  });

  it('takes the backend from the environment the library reads, and refuses an ambiguous one', async () => {
    const fromEnv = await runCli(['health', '--json', '--degraded-ms', '60000'], { env: { REDIS_URL: redisUrl } });
    expect(fromEnv.code).toBe(0);
    const ambiguous = await runCli(['inspect'], { env: { CACHEKIT_REDIS_URL: redisUrl, CACHEKIT_FILE_CACHE_DIR: '/tmp/x' } });
    expect(ambiguous.code).toBe(3);
    expect(ambiguous.stderr).toContain('pass --redis or --dir');
  });

  it('is the package\'s `cachekit` executable: package.json bin points at the built CLI, a node script', () => {
    const root = path.resolve(__dirname, '..', '..');
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string>; version: string };
    const bin = path.join(root, pkg.bin.cachekit!);
    expect(bin).toBe(path.join(root, 'dist', 'cli.cjs'));
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(statSync(bin).mode & 0o111).not.toBe(0);
  });

  it('prints help and the version with exit 0', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: cachekit <command>');
    for (const command of ['inspect', 'stats', 'verify', 'clear', 'health']) expect(help.stdout).toContain(`  ${command}`);
    const commandHelp = await runCli(['verify', '--help']);
    expect(commandHelp.stdout).toContain('--delete-bad');
    const version = await runCli(['--version']);
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(version.stdout.trim()).toBe(pkg.version);
  });
});
