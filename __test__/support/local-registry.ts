/**
 * A minimal npm registry on loopback, serving packed tarballs, so `npm install` runs exactly
 * as it does against the public registry (packuments, integrity checks, optional platform
 * packages, lockfiles) with no network. Serves only what it was given; anything else is 404.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** A running registry; `url` ends with a slash, as npm's `registry` setting expects. */
export interface LocalRegistry {
  readonly url: string;
  /** Packuments and tarballs requested, in order (`GET /name`, `GET /name/-/file.tgz`). */
  readonly requests: string[];
  close(): Promise<void>;
}

interface Published {
  manifest: Record<string, unknown> & { name: string; version: string };
  file: string;
  bytes: Buffer;
}

/** The package.json inside an npm tarball. */
export function manifestOfTarball(file: string): Published['manifest'] {
  return JSON.parse(execFileSync('tar', ['-xzOf', file, 'package/package.json'], { encoding: 'utf8' })) as Published['manifest'];
}

/** Starts a registry serving the given tarballs (several versions of one name are fine). */
export async function startLocalRegistry(tarballs: readonly string[]): Promise<LocalRegistry> {
  const byName = new Map<string, Published[]>();
  for (const file of tarballs) {
    const bytes = readFileSync(file);
    const manifest = manifestOfTarball(file);
    byName.set(manifest.name, [...(byName.get(manifest.name) ?? []), { manifest, file: path.basename(file), bytes }]);
  }
  const requests: string[] = [];
  let base = '';
  const server: Server = createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    requests.push(`${req.method} ${url}`);
    const tarball = /^\/(.+)\/-\/([^/]+\.tgz)$/.exec(url);
    if (tarball !== null) {
      const hit = byName.get(tarball[1]!)?.find((p) => p.file === tarball[2]);
      if (hit === undefined) return void res.writeHead(404).end();
      return void res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': hit.bytes.length }).end(hit.bytes);
    }
    const name = url.slice(1);
    const versions = byName.get(name);
    if (versions === undefined) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    const packument = {
      name,
      'dist-tags': { latest: versions[versions.length - 1]!.manifest.version },
      versions: Object.fromEntries(
        versions.map(({ manifest, file, bytes }) => [
          manifest.version,
          {
            ...manifest,
            _id: `${name}@${manifest.version}`,
            dist: {
              tarball: `${base}${name}/-/${file}`,
              integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
              shasum: createHash('sha1').update(bytes).digest('hex'),
            },
          },
        ]),
      ),
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url: base,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
