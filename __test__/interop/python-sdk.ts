/**
 * Typed calls of the Python scripts in `scripts/python-interop/` for the live interop suite.
 */
import { runPython, type PythonRun } from '../support/python-env';
import type { InteropCall, InteropCase } from './cases';
import type { Tagged } from './tagged';

/** How the Python side encrypts: the tenant is its `deployment_uuid` (null: the SDK's default). */
export interface PythonEncryption {
  readonly masterKeyHex: string;
  readonly tenant: string | null;
}

/** One entry `write_entries.py` wrote, or the error the SDK raised for that case. */
export type PythonWritten = { id: string; key: string; storedHex: string; ttl: number; error?: undefined } | { id: string; error: string };

/** `write_entries.py`'s answer. */
export interface PythonWriteOutput {
  sdkVersion: string;
  written: PythonWritten[];
  keysInRedis: string[];
}

/** One read of `read_entries.py`. */
export interface PythonReadResult {
  id: string;
  key: string;
  present: boolean;
  storedHex: string | null;
  hit: boolean;
  value?: Tagged;
  reencodedHex?: string;
  miss?: string;
}

/** `read_entries.py`'s answer. */
export interface PythonReadOutput {
  sdkVersion: string;
  results: PythonReadResult[];
}

/** `keys.py`'s answer. */
export interface PythonKeysOutput {
  sdkVersion: string;
  keys: ({ id: string; key: string; canonicalArgsHex: string; flatArgs: Tagged; error?: undefined } | { id: string; error: string })[];
}

/**
 * A script that works on the SDK's cache in Redis: it gets the namespace, the calls and the
 * tenant, and the master key (when `encryption` is given) the way the SDK reads it, from the
 * environment.
 */
function onRedis<Calls extends InteropCall, Output>(script: string) {
  return (redisUrl: string, namespace: string, cases: readonly Calls[], encryption?: PythonEncryption): Promise<PythonRun<Output>> => {
    const env: Record<string, string> = encryption ? { CACHEKIT_MASTER_KEY: encryption.masterKeyHex } : {};
    const request = { redisUrl, namespace, encryption: encryption ? { tenant: encryption.tenant } : null, cases };
    return runPython<Output>(script, request, env);
  };
}

/** Python's decorated functions return each case's value, so the SDK stores them. */
export const pythonWrite = onRedis<InteropCase, PythonWriteOutput>('write_entries.py');

/** Python's decorated functions (whose bodies raise) are called, so values can only come from the cache. */
export const pythonRead = onRedis<InteropCall, PythonReadOutput>('read_entries.py');

/** The keys (and canonical argument bytes) the SDK computes for calls. */
export function pythonKeys(namespace: string, calls: readonly InteropCall[]): Promise<PythonRun<PythonKeysOutput>> {
  return runPython<PythonKeysOutput>('keys.py', { namespace, calls });
}
