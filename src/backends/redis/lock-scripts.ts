/**
 * Lua scripts for lock ownership checks. Comparing the token and acting on the key must be
 * one atomic step, or a lock that expired and was re-taken by another owner in between
 * would be released or extended by the old one. Same lock key and release semantics as
 * cachekit-py (`<key>:lock`, GET-compare-DEL), so Node and Python processes exclude each other.
 */
import { nodeCrypto } from '../../lazy-builtins';
import type { RedisClient } from './options';

/** A Lua script run by EVALSHA, loaded with EVAL when the server does not know it yet. */
export class LuaScript {
  private hash: string | undefined;

  constructor(readonly body: string) {}

  /** SHA-1 of the body, as Redis names scripts (hashed on first use: the scripts are module constants). */
  get sha(): string {
    return (this.hash ??= nodeCrypto().createHash('sha1').update(this.body).digest('hex'));
  }

  /** Runs the script on `keys`; the script cache is per server, so NOSCRIPT falls back to EVAL. */
  async run(client: RedisClient, keys: string | readonly string[], ...args: Array<string | number | Buffer>): Promise<unknown> {
    const keyList = typeof keys === 'string' ? [keys] : keys;
    try {
      return await client.evalsha(this.sha, keyList.length, ...keyList, ...args);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('NOSCRIPT')) return client.eval(this.body, keyList.length, ...keyList, ...args);
      throw err;
    }
  }
}

/** Deletes KEYS[1] only if it holds ARGV[1]; returns 1 when deleted. */
export const RELEASE_LOCK = new LuaScript(
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
);

/** Sets the expiry of KEYS[1] to ARGV[2] ms only if it holds ARGV[1]; returns 1 when extended. */
export const RENEW_LOCK = new LuaScript(
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end",
);

/**
 * SET KEYS[1] ARGV[1] with expiry mode ARGV[2] ('EX', 'PX' or '' for none) and amount ARGV[3],
 * then deletes the lock KEYS[2] only if it holds ARGV[4] (as `RELEASE_LOCK`); returns 1 when
 * the lock was deleted.
 */
export const SET_AND_RELEASE_LOCK = new LuaScript(
  "if ARGV[2] == '' then redis.call('set', KEYS[1], ARGV[1]) else redis.call('set', KEYS[1], ARGV[1], ARGV[2], ARGV[3]) end " +
    "if redis.call('get', KEYS[2]) == ARGV[4] then return redis.call('del', KEYS[2]) else return 0 end",
);
