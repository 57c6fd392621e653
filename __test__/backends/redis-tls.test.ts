/**
 * rediss:// against a real redis-server with TLS on a loopback port, using a throw-away CA
 * made with the openssl CLI; `together` keeps its one write over TLS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendError } from '../../src/errors';
import { RedisBackend } from '../../src/backends/redis/backend';
import { freePort, startRedisServer, type RedisServerHandle } from '../support/redis-server';
import { commandsIn, recordSocketWrites } from '../support/socket-writes';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// The certificates are generated with the openssl CLI; without it this suite cannot run.
describe.skipIf(!hasOpenssl())('RedisBackend over TLS (rediss://)', () => {
  let server: RedisServerHandle;
  let tlsPort: number;
  let ca: Buffer;
  const certs = mkdtempSync(path.join(tmpdir(), 'cachekit-tls-'));

  beforeAll(async () => {
    const file = (name: string) => path.join(certs, name);
    const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore', cwd: certs });
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=cachekit-test-ca');
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(file('ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'ext.cnf');
    ca = readFileSync(file('ca.crt'));
    tlsPort = await freePort();
    server = await startRedisServer({
      args: [
        '--tls-port', String(tlsPort),
        '--tls-cert-file', file('server.crt'),
        '--tls-key-file', file('server.key'),
        '--tls-ca-cert-file', file('ca.crt'),
        '--tls-auth-clients', 'no',
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(certs, { recursive: true, force: true });
  });

  it('connects with rediss:// and the CA given as tls options', async () => {
    const backend = new RedisBackend({ url: `rediss://127.0.0.1:${tlsPort}`, tls: { ca } });
    try {
      await backend.set('ck-test:tls', Buffer.from('secure'));
      expect(await backend.get('ck-test:tls')).toEqual(Buffer.from('secure'));
    } finally {
      await backend.close();
    }
  });

  it('sends a read and a lock request started in together() in one write of the TLS socket, each answered', async () => {
    const backend = new RedisBackend({ url: `rediss://127.0.0.1:${tlsPort}`, tls: { ca } });
    try {
      await backend.set('ck-test:tls-together', Buffer.from('secure'));
      const writes = recordSocketWrites(backend);
      const [read, lock] = backend.together(() => [backend.get('ck-test:tls-together'), backend.acquireLock('ck-test:tls-together', 'owner', 5_000)] as const);
      expect(await read).toEqual(Buffer.from('secure'));
      expect(await lock).toBe(true);
      // The TLS socket hands Node's stream both commands' plain text at once.
      expect(writes.map(commandsIn)).toEqual([['get', 'set']]);
      expect(await backend.releaseLock('ck-test:tls-together', 'owner')).toBe(true);
    } finally {
      await backend.close();
    }
  });

  it('classifies an untrusted server certificate as permanent', async () => {
    const backend = new RedisBackend({ url: `rediss://127.0.0.1:${tlsPort}` });
    try {
      for (let i = 0; i < 3; i++) {
        const err = await backend.get('ck-test:tls').catch((e: unknown) => e);
        expect(err).toBeInstanceOf(BackendError);
        expect((err as BackendError).kind).toBe('permanent');
      }
    } finally {
      await backend.close();
    }
  });
});
