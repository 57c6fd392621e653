/**
 * Redis URLs: validation (with errors that never echo a password) and their translation into
 * ioredis connection options.
 */
import type { RedisOptions } from 'ioredis';
import { ConfigurationError } from '../../errors';

function fail(message: string): never {
  throw new ConfigurationError(message);
}

/** A URL with its password replaced, safe for error messages and logs. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^([a-z+]+:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

/** Where a URL points: a redis:// or rediss:// URL (scheme normalised), or a Unix socket. */
export type ParsedRedisUrl = { kind: 'tcp'; url: string } | { kind: 'unix'; path: string; db?: number; password?: string };

/** Validates a Redis URL. Throws a `ConfigurationError` that never echoes the password. */
export function parseRedisUrl(url: unknown): ParsedRedisUrl {
  if (typeof url !== 'string' || url.trim() === '') {
    return fail(`Redis URL must be a non-empty string; got ${JSON.stringify(url)}. Fix: e.g. redis://127.0.0.1:6379.`);
  }
  if (url.startsWith('/')) {
    const [path = url] = url.split('?');
    return { kind: 'unix', path };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail(`Redis URL ${JSON.stringify(redactRedisUrl(url))} is not a valid URL. Fix: use redis://host:port, rediss://host:port or unix:///path/to/socket.`);
  }
  const scheme = parsed.protocol.toLowerCase();
  if (scheme === 'redis:' || scheme === 'rediss:') {
    if (parsed.hostname === '') fail(`Redis URL ${JSON.stringify(redactRedisUrl(url))} has no host. Fix: e.g. redis://127.0.0.1:6379.`);
    const db = parsed.pathname.replace(/^\//, '');
    if (db !== '' && !/^\d+$/.test(db)) {
      fail(`Redis URL ${JSON.stringify(redactRedisUrl(url))}: the path must be a database number; got "/${db}".`);
    }
    // ioredis recognises TLS only by a lower-case "rediss://" prefix.
    return { kind: 'tcp', url: `${scheme}//${url.slice(url.indexOf('//') + 2)}` };
  }
  if (scheme === 'unix:' || scheme === 'redis+unix:') {
    if (parsed.pathname === '' || parsed.pathname === '/') {
      fail(`Redis URL ${JSON.stringify(redactRedisUrl(url))} names no socket path. Fix: unix:///path/to/redis.sock.`);
    }
    const dbParam = parsed.searchParams.get('db');
    if (dbParam !== null && !/^\d+$/.test(dbParam)) fail(`Redis URL ${JSON.stringify(redactRedisUrl(url))}: db must be a number.`);
    const password = parsed.searchParams.get('password') ?? (parsed.password !== '' ? decodeURIComponent(parsed.password) : undefined);
    return {
      kind: 'unix',
      path: decodeURIComponent(parsed.pathname),
      ...(dbParam !== null ? { db: Number(dbParam) } : {}),
      ...(password !== undefined ? { password } : {}),
    };
  }
  return fail(
    `Redis URL scheme "${scheme}" in ${JSON.stringify(redactRedisUrl(url))} is not supported. ` +
      'Fix: use redis://, rediss:// (TLS) or unix:// (socket).',
  );
}

/**
 * The connection fields of a validated redis:// or rediss:// URL. Parsed here rather than by
 * ioredis because ioredis lets URL fields win over the options object, while explicit
 * `username`/`password`/`db`/`tls` options must win over the URL.
 */
export function tcpUrlOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  const result: RedisOptions = { host: parsed.hostname.replace(/^\[|\]$/g, '') };
  if (parsed.port !== '') result.port = Number(parsed.port);
  if (parsed.username !== '') result.username = decodeURIComponent(parsed.username);
  if (parsed.password !== '') result.password = decodeURIComponent(parsed.password);
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '') result.db = Number(db);
  if (parsed.protocol === 'rediss:') result.tls = {};
  parsed.searchParams.forEach((value, name) => {
    (result as Record<string, unknown>)[name] = name === 'family' ? Number(value) : value;
  });
  return result;
}
